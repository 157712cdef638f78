"""A circuit breaker per provider endpoint (pybreaker), its state in-process or in Redis (shared by all workers).

After ``fail_max`` failed attempts in a row (timeouts, connection errors, 5xx) the endpoint's breaker opens: calls
fail fast with ``CircuitOpen`` (counted, and recorded in the job run) without touching the provider; after
``reset_s`` one trial call goes through (half-open): success closes it, failure opens it again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import pybreaker
import structlog

log = structlog.get_logger(__name__)
T = TypeVar("T")


class EndpointFailure(Exception):
    """An attempt that counts against the endpoint's health (raised inside the breaker, converted outside)."""

    def __init__(self, message: str, retry_after_s: float | None = None, status: int | None = None) -> None:
        self.retry_after_s, self.status = retry_after_s, status
        super().__init__(message)


class _LogTransitions(pybreaker.CircuitBreakerListener):
    def state_change(self, cb: pybreaker.CircuitBreaker, old_state, new_state) -> None:  # noqa: ANN001
        log.warning("circuit breaker", breaker=cb.name, old=getattr(old_state, "name", None), new=new_state.name)


class Breakers:
    def __init__(self, fail_max: int, reset_s: float, redis_url: str | None = None) -> None:
        self.fail_max, self.reset_s = fail_max, reset_s
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url)
        self._breakers: dict[tuple[str, str], pybreaker.CircuitBreaker] = {}
        self._lock = threading.Lock()
        self.rejected: Counter[tuple[str, str]] = Counter()  # calls refused while open, per endpoint

    def get(self, provider: str, endpoint: str) -> pybreaker.CircuitBreaker:
        key = (provider, endpoint)
        with self._lock:
            breaker = self._breakers.get(key)
            if breaker is None:
                name = f"{provider}:{endpoint}"
                storage = (pybreaker.CircuitRedisStorage(pybreaker.STATE_CLOSED, self._redis,
                                                         namespace=f"matchday:{name}")
                           if self._redis is not None else None)
                # only EndpointFailure counts; anything else (a 4xx, a bad body) says the endpoint answered
                breaker = pybreaker.CircuitBreaker(fail_max=self.fail_max, reset_timeout=self.reset_s,
                                                   exclude=[lambda exc: not isinstance(exc, EndpointFailure)],
                                                   state_storage=storage, name=name,
                                                   listeners=[_LogTransitions()], throw_new_error_on_trip=False)
                self._breakers[key] = breaker
            return breaker

    def call(self, provider: str, endpoint: str, attempt: Callable[[], T]) -> T:
        """Run one attempt through the endpoint's breaker; ``pybreaker.CircuitBreakerError`` when it is open."""
        breaker = self.get(provider, endpoint)
        try:
            return breaker.call(attempt)
        except pybreaker.CircuitBreakerError:
            self.rejected[(provider, endpoint)] += 1
            raise

    def states(self, provider: str | None = None) -> list[dict]:
        with self._lock:
            items = sorted(self._breakers.items())
        return [{"provider": p, "endpoint": e, "state": b.current_state, "failures": b.fail_counter,
                 "rejected": self.rejected[(p, e)]}
                for (p, e), b in items if provider is None or p == provider]
