"""Quotas are never exceeded: our own count, the provider's headers counting down, priorities shed in order,
and one quota shared by several processes through Redis."""

from __future__ import annotations

import pytest

from matchday.errors import PrioritySkipped, QuotaExhausted
from matchday.fetch.quota import Priority, ProviderPlan, QuotaGuard
from matchday.sources.provider import QuotaReading
from tests.collector.conftest import APIF
from tests.collector.fake_provider import Reply

STANDINGS = APIF / "standings_league-39_season-2022.json"
PARAMS = {"league": 39, "season": 2022}


def test_our_daily_limit_is_never_exceeded(make_collector, fake) -> None:
    collector = make_collector(providers={"api-football": {"daily_limit": 4, "minute_limit": 100}})
    fake.script("/standings", Reply.file(STANDINGS))
    sent = refused = 0
    for _ in range(10):
        try:
            collector.client.request("api-football", "standings", PARAMS, Priority.CRITICAL)
            sent += 1
        except QuotaExhausted:
            refused += 1
    assert (sent, refused) == (4, 6)
    assert fake.requests_to("/standings") == 4


def test_the_providers_countdown_stops_us_before_it_says_no(make_collector, fake) -> None:
    """We think we have 100; the provider's headers say 3, then 2, 1, 0: the 4th request is never sent."""
    fake.daily_limit = 3
    collector = make_collector(providers={"api-football": {"daily_limit": 100}})
    fake.script("/standings", Reply.file(STANDINGS))
    outcomes = []
    for _ in range(6):
        try:
            collector.client.request("api-football", "standings", PARAMS, Priority.CRITICAL)
            outcomes.append("sent")
        except QuotaExhausted:
            outcomes.append("refused")
    assert outcomes == ["sent"] * 3 + ["refused"] * 3
    assert fake.over_quota == 0  # the provider never saw a request past its quota
    assert collector.client.quota.status("api-football").daily_remaining == 0


def test_minute_headers_stop_us_too(make_collector, fake) -> None:
    collector = make_collector(providers={"api-football": {"minute_limit": 10}})
    fake.script("/standings", Reply.file(STANDINGS, headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0"}))
    collector.client.request("api-football", "standings", PARAMS)
    with pytest.raises(QuotaExhausted, match="per-minute"):
        collector.client.request("api-football", "standings", PARAMS)
    assert fake.requests_to("/standings") == 1


def test_priorities_are_shed_in_order() -> None:
    guard = QuotaGuard({"p": ProviderPlan(daily_limit=20, thresholds={Priority.LOW: 12, Priority.MEDIUM: 6,
                                                                      Priority.HIGH: 2})})
    last_sent: dict[Priority, int] = {}
    sent = 0
    # every round tries each priority once, lowest first, until nothing can go
    while True:
        progressed = False
        for priority in (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.CRITICAL):
            try:
                guard.acquire("p", priority)
            except PrioritySkipped:
                continue
            except QuotaExhausted:
                assert guard.status("p").daily_remaining == 0  # spent: refused whatever the priority
                continue
            sent += 1
            last_sent[priority] = sent
            progressed = True
        if not progressed:
            break
    assert sent == 20  # the whole day is spent, and not one request more
    # LOW stops first (keeping 12), then MEDIUM (6), then HIGH (2); CRITICAL spends the last requests
    assert last_sent[Priority.LOW] < last_sent[Priority.MEDIUM] < last_sent[Priority.HIGH] < last_sent[
        Priority.CRITICAL]
    assert guard.status("p").daily_remaining == 0
    assert not guard.allows("p", Priority.CRITICAL)


def test_skipped_priority_leaves_the_day_for_live_scores() -> None:
    guard = QuotaGuard({"p": ProviderPlan(daily_limit=10, thresholds={Priority.LOW: 5})})
    for _ in range(5):
        guard.acquire("p", Priority.LOW)
    with pytest.raises(PrioritySkipped, match="LOW jobs keep the last 5"):
        guard.acquire("p", Priority.LOW)
    for _ in range(5):
        guard.acquire("p", Priority.CRITICAL)
    with pytest.raises(QuotaExhausted):
        guard.acquire("p", Priority.CRITICAL)


def test_header_correction_only_lowers() -> None:
    guard = QuotaGuard({"p": ProviderPlan(daily_limit=100)})
    guard.correct("p", QuotaReading(daily_remaining=40, daily_limit=7500))
    assert guard.status("p").daily_remaining == 40
    guard.correct("p", QuotaReading(daily_remaining=90))  # never more than we know is left
    assert guard.status("p").daily_remaining == 40


def test_several_processes_share_one_quota_through_redis(redis_server) -> None:
    plans = {"p": ProviderPlan(daily_limit=5, minute_limit=50)}
    url = redis_server.url.rsplit("/", 1)[0] + "/7"
    first, second = QuotaGuard(plans, url), QuotaGuard(plans, url)
    first.storage.reset()
    granted = 0
    for guard in (first, second) * 5:
        try:
            guard.acquire("p", Priority.CRITICAL)
            granted += 1
        except QuotaExhausted:
            pass
    assert granted == 5
    assert first.status("p").daily_remaining == second.status("p").daily_remaining == 0


def test_two_collectors_share_the_days_quota_through_redis(make_collector, fake, redis_server) -> None:
    import redis

    url = redis_server.url.rsplit("/", 1)[0] + "/9"
    redis.Redis.from_url(url).flushdb()
    plans = {"api-football": {"daily_limit": 5, "minute_limit": 100}}
    first = make_collector(providers=plans, redis_url=url)
    second = make_collector(providers=plans, redis_url=url)
    fake.script("/standings", Reply.file(STANDINGS))
    sent = 0
    for collector in (first, second) * 4:
        try:
            collector.client.request("api-football", "standings", PARAMS, Priority.CRITICAL)
            sent += 1
        except QuotaExhausted:
            pass
    assert sent == 5 and fake.requests_to("/standings") == 5  # one quota for both processes
    assert first.quota_report()[0]["shared"] is True
