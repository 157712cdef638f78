"""Rate limits on logins and registrations (the ``limits`` library), as OWASP's authentication guidance asks.

Logins: every attempt counts against the client's address (``ip:``); failures count against the address and the
account together (``fail:<address>|<account>``), the account being the user it resolves to, so its username and
its email are one key. An attacker who spends an account's failures from their own addresses locks only
themselves out of it: the owner's correct password from another address still gets through, and a success
clears its own address's failures. Registrations count per address and per email and username; password-reset
requests per address and per email typed (known or not, alike).

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
    def __init__(self, redis_url: str | None, login: str, register: str, login_address: str | None = None,
                 password_reset: str = "5/hour") -> None:
        """``login``: failed logins per address and account; ``login_address``: login attempts per address
        (default: ``login``); ``register``: registrations per address, email and username; ``password_reset``:
        reset requests per address and per email typed."""
        self.storage = storage_from_string(redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items = {"login": parse(login_address or login), "login-fail": parse(login), "register": parse(register),
                      "password-reset": parse(password_reset)}

    def _refuse(self, action: str, key: str) -> None:
        item = self.items[action]
        reset, _remaining = self.limiter.get_window_stats(item, "matchday", action, key)
        raise TooManyAttempts(f"too many {action} attempts; try again later", max(1, math.ceil(reset - time.time())))

    def hit(self, action: str, *keys: str) -> None:
        """Count one attempt against each key (``ip:1.2.3.4``, ``account:bob``); refuse when any is spent."""
        item = self.items[action]
        for key in keys:
            if not self.limiter.hit(item, "matchday", action, key):
                self._refuse(action, key)

    def login_attempt(self, address: str, account: str) -> None:
        """Before a login's password is checked: one attempt from ``address``; refused while that address has
        spent its failures on ``account`` (the account key: ``user:<id>``, or the login as typed when unknown)."""
        self.hit("login", f"ip:{address}")
        key = f"{address}|{account}"
        if not self.limiter.test(self.items["login-fail"], "matchday", "login-fail", key):
            reset, _ = self.limiter.get_window_stats(self.items["login-fail"], "matchday", "login-fail", key)
            raise TooManyAttempts("too many failed logins for this account from this address; try again later",
                                  max(1, math.ceil(reset - time.time())))

    def login_failed(self, address: str, account: str) -> None:
        self.limiter.hit(self.items["login-fail"], "matchday", "login-fail", f"{address}|{account}")

    def login_succeeded(self, address: str, account: str) -> None:
        self.limiter.clear(self.items["login-fail"], "matchday", "login-fail", f"{address}|{account}")

    def clear(self, action: str, key: str) -> None:
        self.limiter.clear(self.items[action], "matchday", action, key)
