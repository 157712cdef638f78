"""Rate limits on logins and registrations (the ``limits`` library): per client address and per account.

State lives in process memory, or in Redis when MATCHDAY_REDIS_URL is set (shared by every server process).
A refused attempt raises TooManyAttempts, rendered as 429 with Retry-After in the one error shape.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from matchday.errors import TooManyAttempts


class AttemptLimiter:
    def __init__(self, redis_url: str | None, login: str, register: str) -> None:
        self.storage = storage_from_string(redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items = {"login": parse(login), "register": parse(register)}

    def hit(self, action: str, *keys: str) -> None:
        """Count one attempt against each key (``ip:1.2.3.4``, ``account:bob``); refuse when any is spent."""
        item = self.items[action]
        for key in keys:
            if not self.limiter.hit(item, "matchday", action, key):
                reset, _remaining = self.limiter.get_window_stats(item, "matchday", action, key)
                raise TooManyAttempts(f"too many {action} attempts; try again later",
                                      math.ceil(reset - time.time()))

    def clear(self, action: str, key: str) -> None:
        self.limiter.clear(self.items[action], "matchday", action, key)
