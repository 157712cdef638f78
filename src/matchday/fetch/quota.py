"""Provider quotas: a per-minute and a per-day window per provider (``limits``), corrected from the provider's headers.

The per-minute limit is a moving window (never more than N requests in any 60 s: stricter than a token bucket of
N per minute, which ``limits`` does not offer); the per-day limit is a fixed window on the UTC day (the key holds
the date, so it resets at 00:00 UTC, as API-Football's does). After every response the provider's own view
(``QuotaReading``) lowers ours when it is lower: several processes or another client using the same key are
accounted for. A request is never sent when the known remaining quota is zero.

Priorities shed load before the day is spent: a request of priority P is refused (``PrioritySkipped``) when it
would leave fewer than ``thresholds[P]`` requests of the day. CRITICAL has no threshold: live scores keep working
until the last request.

State is in-process (``memory://``) or in Redis (``redis://...``): every process then shares one quota.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from matchday.domain.interfaces import QuotaReading
from matchday.errors import PrioritySkipped, QuotaExhausted


class Priority(enum.StrEnum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


@dataclass(frozen=True)
class ProviderPlan:
    """A provider's plan as configured in ``providers.yaml`` (None: no such limit known)."""

    daily_limit: int | None = None
    minute_limit: int | None = None
    thresholds: Mapping[Priority, int] = field(default_factory=dict)  # remaining-of-the-day floor per priority

    def floor(self, priority: Priority) -> int:
        return 0 if priority is Priority.CRITICAL else max(0, self.thresholds.get(priority, 0))


@dataclass(frozen=True)
class QuotaStatus:
    provider: str
    daily_limit: int | None
    daily_remaining: int | None
    daily_reset: datetime | None
    minute_limit: int | None
    minute_remaining: int | None
    minute_reset: datetime | None
    thresholds: Mapping[str, int]

    def pace_s(self, requests_per_poll: float, now: datetime) -> float:
        """The fewest seconds between two polls of ``requests_per_poll`` requests each that keep a live loop
        within the plan: the day's remaining requests spread until the daily reset, and the minute limit. A plan
        of 100 a day then lasts the day (and so the match day) instead of being spent in its first hour."""
        per_poll = max(1.0, requests_per_poll)
        pace = 0.0
        if self.daily_remaining is not None and self.daily_reset is not None:
            left_s = max(0.0, (self.daily_reset - now).total_seconds())
            pace = left_s / max(self.daily_remaining / per_poll, 1.0)
        if self.minute_limit:
            pace = max(pace, 60.0 * per_poll / self.minute_limit)
        return pace

    def as_dict(self) -> dict:
        return {"provider": self.provider, "daily_limit": self.daily_limit, "daily_remaining": self.daily_remaining,
                "daily_reset": self.daily_reset.isoformat() if self.daily_reset else None,
                "minute_limit": self.minute_limit, "minute_remaining": self.minute_remaining,
                "minute_reset": self.minute_reset.isoformat() if self.minute_reset else None,
                "thresholds": dict(self.thresholds)}


class QuotaGuard:
    """Every request to a provider asks ``acquire`` first; every response is fed to ``correct``."""

    def __init__(self, plans: Mapping[str, ProviderPlan], storage_url: str | None = None,
                 clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.plans = dict(plans)
        self.storage = storage_from_string(storage_url or "memory://")
        self.shared = bool(storage_url) and not storage_url.startswith("memory")
        self.minute = MovingWindowRateLimiter(self.storage)
        self.daily = FixedWindowRateLimiter(self.storage)
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()  # test-then-hit is one step within this process
        self._learned: dict[str, ProviderPlan] = {}  # limits the provider's headers told us about

    # ---- the windows ------------------------------------------------------------------------------------
    def plan(self, provider: str) -> ProviderPlan:
        configured = self.plans.get(provider, ProviderPlan())
        learned = self._learned.get(provider)
        if learned is None:
            return configured
        return ProviderPlan(configured.daily_limit or learned.daily_limit,
                            configured.minute_limit or learned.minute_limit, configured.thresholds)

    def _day(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%d")

    def _daily_item(self, plan: ProviderPlan) -> RateLimitItemPerDay | None:
        return RateLimitItemPerDay(plan.daily_limit, namespace="matchday-quota") if plan.daily_limit else None

    def _minute_item(self, plan: ProviderPlan) -> RateLimitItemPerMinute | None:
        return RateLimitItemPerMinute(plan.minute_limit, namespace="matchday-quota") if plan.minute_limit else None

    def _remaining(self, provider: str) -> tuple[int | None, int | None, float | None]:
        """(daily remaining, minute remaining, when the minute window frees a request)."""
        plan = self.plan(provider)
        daily = minute = minute_reset = None
        if (item := self._daily_item(plan)) is not None:
            daily = self.daily.get_window_stats(item, provider, "day", self._day()).remaining
        if (item := self._minute_item(plan)) is not None:
            stats = self.minute.get_window_stats(item, provider, "minute")
            minute, minute_reset = stats.remaining, stats.reset_time
        return daily, minute, minute_reset

    # ---- asking -------------------------------------------------------------------------------------------
    def check(self, provider: str, priority: Priority, cost: int = 1) -> None:
        """Raise ``QuotaExhausted`` or ``PrioritySkipped`` when a request of this priority may not go now."""
        daily, minute, minute_reset = self._remaining(provider)
        if daily is not None:
            if daily < cost:
                raise QuotaExhausted(f"{provider}: daily quota spent (0 of {self.plan(provider).daily_limit} "
                                     f"left until 00:00 UTC)", retry_after_s=self._seconds_to_midnight())
            floor = self.plan(provider).floor(priority)
            if daily - cost < floor:
                raise PrioritySkipped(f"{provider}: {daily} requests left today; {priority} jobs keep the last "
                                      f"{floor}")
        if minute is not None and minute < cost:
            wait = max(0.0, (minute_reset or self.clock()) - self.clock())
            raise QuotaExhausted(f"{provider}: per-minute quota spent; frees in {wait:.0f} s", retry_after_s=wait)

    def allows(self, provider: str, priority: Priority, cost: int = 1) -> bool:
        try:
            self.check(provider, priority, cost)
        except (QuotaExhausted, PrioritySkipped):
            return False
        return True

    def acquire(self, provider: str, priority: Priority, cost: int = 1, max_wait_s: float = 0.0) -> None:
        """Count one request of ``cost`` against both windows, waiting up to ``max_wait_s`` for the minute window."""
        deadline = self.clock() + max_wait_s
        while True:
            with self._lock:
                try:
                    self.check(provider, priority, cost)
                    plan = self.plan(provider)
                    if (item := self._minute_item(plan)) is not None and not self.minute.hit(
                            item, provider, "minute", cost=cost):
                        raise QuotaExhausted(f"{provider}: per-minute quota spent", retry_after_s=1.0)
                    if (item := self._daily_item(plan)) is not None and not self.daily.hit(
                            item, provider, "day", self._day(), cost=cost):
                        raise QuotaExhausted(f"{provider}: daily quota spent",
                                             retry_after_s=self._seconds_to_midnight())
                    return
                except QuotaExhausted as exc:
                    wait = exc.retry_after_s or 0.0
                    if self.clock() + wait > deadline:
                        raise
            self.sleep(max(wait, 0.01))

    # ---- what the provider says ---------------------------------------------------------------------------
    def correct(self, provider: str, reading: QuotaReading) -> None:
        """Lower our remaining counts to the provider's when its are lower (never raise them: ours may be stricter)."""
        with self._lock:
            configured = self.plans.get(provider, ProviderPlan())
            learned = self._learned.get(provider, ProviderPlan())
            daily_limit = learned.daily_limit or reading.daily_limit or (
                reading.daily_remaining if reading.daily_remaining is not None and not configured.daily_limit
                else None)
            minute_limit = learned.minute_limit or reading.minute_limit or (
                reading.minute_remaining + 1 if reading.minute_remaining is not None and not configured.minute_limit
                else None)
            self._learned[provider] = ProviderPlan(daily_limit, minute_limit)
            daily, minute, _reset = self._remaining(provider)
            plan = self.plan(provider)
            if reading.daily_remaining is not None and daily is not None and reading.daily_remaining < daily:
                self.daily.hit(self._daily_item(plan), provider, "day", self._day(),
                               cost=daily - reading.daily_remaining)
            if reading.minute_remaining is not None and minute is not None and reading.minute_remaining < minute:
                self.minute.hit(self._minute_item(plan), provider, "minute", cost=minute - reading.minute_remaining)

    def seed(self, provider: str, used_today: int, used_last_minute: int) -> None:
        """Start an in-process guard from what the archive says was already spent (a restart forgets nothing)."""
        if self.shared:
            return  # Redis keeps its own count across restarts
        plan = self.plan(provider)
        if used_today and (item := self._daily_item(plan)) is not None:
            self.daily.hit(item, provider, "day", self._day(), cost=min(used_today, plan.daily_limit or used_today))
        if used_last_minute and (item := self._minute_item(plan)) is not None:
            self.minute.hit(item, provider, "minute", cost=min(used_last_minute, plan.minute_limit or 1))

    def _seconds_to_midnight(self) -> float:
        now = datetime.fromtimestamp(self.clock(), UTC)
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return (midnight - now).total_seconds()

    def status(self, provider: str) -> QuotaStatus:
        plan = self.plan(provider)
        daily, minute, minute_reset = self._remaining(provider)
        now = datetime.fromtimestamp(self.clock(), UTC)
        return QuotaStatus(
            provider, plan.daily_limit, daily,
            now + timedelta(seconds=self._seconds_to_midnight()) if plan.daily_limit else None,
            plan.minute_limit, minute,
            datetime.fromtimestamp(minute_reset, UTC) if minute_reset and plan.minute_limit else None,
            {str(p): plan.floor(p) for p in Priority})
