"""The one provider client against a real local fake provider: retries, Retry-After, timeouts, error bodies,
the breaker, and the raw archive holding every body (never the key)."""

from __future__ import annotations

import gzip
import time

import pytest
from sqlalchemy import select

from matchday.errors import CircuitOpen, FetchError, ProviderError
from matchday.fetch.quota import Priority
from matchday.store import raw_archive
from matchday.store.schema import raw_bodies, raw_responses
from tests.collector.conftest import APIF
from tests.collector.fake_provider import MALFORMED, Reply, server_error, too_many

STANDINGS = APIF / "standings_league-39_season-2022.json"


def _archived(engine) -> list:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(raw_responses).order_by(raw_responses.c.id)).mappings().all()


def test_5xx_and_timeouts_are_retried_with_backoff_and_every_body_is_archived(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", server_error(500), Reply(stall_s=1.0), server_error(503), Reply.file(STANDINGS))
    collector.settings.http_retries = 4
    result = collector.client.request("api-football", "standings", {"league": 39, "season": 2022}, Priority.HIGH)
    assert result.status == 200 and result.attempts == 4
    assert result.body == STANDINGS.read_bytes()
    rows = _archived(collector.engine)
    # the timed-out attempt has no response to keep; the two 5xx bodies and the good one are archived
    assert [r["status"] for r in rows] == [500, 503, 200]
    assert [r["parse_status"] for r in rows] == ["error", "error", "pending"]
    assert raw_archive.body_of(collector.engine, rows[-1]["content_hash"]) == STANDINGS.read_bytes()
    sleeps = collector.client.sleep
    assert len(sleeps) == 3 and all(0 <= s <= collector.settings.http_backoff_max_s for s in sleeps)


def test_a_dropped_connection_is_retried(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", Reply(drop=True), Reply(drop=True), Reply.file(STANDINGS))
    result = collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert result.attempts == 3 and fake.requests_to("/standings") == 3
    assert [r["status"] for r in _archived(collector.engine)] == [200]  # no answer, nothing to archive


def test_the_key_is_sent_but_never_archived(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", Reply.file(STANDINGS, headers={"Set-Cookie": "session=abc"}))
    collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert fake.received[0].headers["x-apisports-key"] == "secret-test-key"
    row = _archived(collector.engine)[0]
    stored = repr(dict(row))
    assert "secret-test-key" not in stored and "session=abc" not in stored
    assert row["params"] == {"league": 39, "season": 2022} and row["endpoint"] == "standings"
    assert row["url"].endswith("/standings?league=39&season=2022")


def test_429_honours_retry_after(make_collector, fake) -> None:
    collector = make_collector(http_backoff_max_s=30.0)
    fake.script("/standings", too_many(retry_after=7), Reply.file(STANDINGS))
    result = collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert result.attempts == 2
    assert list(collector.client.sleep) == [7.0]  # the provider's wait, not our backoff


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_4xx_are_never_retried(make_collector, fake, status) -> None:
    collector = make_collector()
    fake.script("/standings", Reply(status, b'{"message": "no"}'))
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert fake.requests_to("/standings") == 1
    assert list(collector.client.sleep) == []


def test_http_200_with_errors_is_an_error_not_data(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/teams", Reply.file(APIF / "errors" / "teams_league-and-search_conflict.json"))
    with pytest.raises(ProviderError, match="cannot be used with the Search field"):
        collector.client.request("api-football", "teams", {"league": 39, "search": "Leipzig"})
    assert fake.requests_to("/teams") == 1  # bad parameters: asking again would not help
    row = _archived(collector.engine)[0]
    assert row["status"] == 200 and row["parse_status"] == "error"


def test_rate_limit_error_body_is_retried(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", Reply.file(APIF / "errors" / "rate-limit_errors-field_pretty.json"),
                Reply.file(STANDINGS))
    assert collector.client.request("api-football", "standings", {"league": 39, "season": 2022}).attempts == 2


def test_identical_bodies_are_stored_once(make_collector, fake) -> None:
    collector = make_collector()
    fake.script("/standings", Reply.file(STANDINGS))
    for _ in range(3):
        collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    with collector.engine.connect() as conn:
        bodies = conn.execute(select(raw_bodies)).mappings().all()
    assert len(_archived(collector.engine)) == 3 and len(bodies) == 1
    assert gzip.decompress(bodies[0]["body"]) == STANDINGS.read_bytes()
    assert len(bodies[0]["body"]) < STANDINGS.stat().st_size / 3  # compressed


def test_breaker_opens_fails_fast_and_recovers(make_collector, fake) -> None:
    collector = make_collector(http_retries=1, breaker_fail_max=3, breaker_reset_s=0.3)
    fake.script("/standings", server_error(500), server_error(500), server_error(500), Reply.file(STANDINGS))
    params = {"league": 39, "season": 2022}
    for _ in range(3):
        with pytest.raises(FetchError, match="HTTP 500"):
            collector.client.request("api-football", "standings", params)
    for _ in range(5):  # open: refused without a request
        with pytest.raises(CircuitOpen):
            collector.client.request("api-football", "standings", params)
    assert fake.requests_to("/standings") == 3
    state = collector.client.breakers.states("api-football")[0]
    assert state["state"] == "open" and state["rejected"] == 5
    # another endpoint of the same provider has its own breaker
    fake.script("/players/topscorers", Reply.file(APIF / "players-topscorers_league-78_season-2023.json"))
    collector.client.request("api-football", "players/topscorers", {"league": 78, "season": 2023})
    deadline = time.monotonic() + 5
    while collector.client.breakers.get("api-football", "standings").current_state == "open":
        try:
            collector.client.request("api-football", "standings", params)
        except CircuitOpen:
            time.sleep(0.05)
            assert time.monotonic() < deadline, "the breaker never half-opened"
    assert collector.client.breakers.get("api-football", "standings").current_state == "closed"
    assert fake.requests_to("/standings") == 4  # exactly one trial call, which succeeded


def test_malformed_json_is_archived_listed_and_nothing_is_written(make_collector, fake) -> None:
    from matchday.ingest.responses import store_response
    from matchday.store.schema import matches

    collector = make_collector()
    fake.script("/fixtures", MALFORMED)
    result = collector.client.request("api-football", "fixtures", {"league": 78, "season": 2023})
    provider = collector.client.provider("api-football")
    stored = store_response(collector.engine, provider, result.response_id, "fixtures", {}, result.body)
    assert stored.status == "failed" and "JSON" in stored.error
    failed = raw_archive.responses(collector.engine, statuses=("failed",))
    assert [f.id for f in failed] == [result.response_id]
    with collector.engine.connect() as conn:
        assert conn.execute(select(matches)).first() is None


def test_breaker_state_is_shared_through_redis(redis_server) -> None:
    import pybreaker
    import redis

    from matchday.fetch.breaker import Breakers, EndpointFailure

    url = redis_server.url.rsplit("/", 1)[0] + "/8"
    redis.Redis.from_url(url).flushdb()
    worker_a, worker_b = Breakers(2, 60.0, url), Breakers(2, 60.0, url)

    def failing() -> None:
        raise EndpointFailure("HTTP 503")

    for _ in range(2):
        with pytest.raises((EndpointFailure, pybreaker.CircuitBreakerError)):
            worker_a.call("api-football", "fixtures", failing)
    assert worker_b.get("api-football", "fixtures").current_state == "open"  # the other process sees it open
    with pytest.raises(pybreaker.CircuitBreakerError):
        worker_b.call("api-football", "fixtures", lambda: "never called")
    assert worker_b.get("api-football", "standings").current_state == "closed"  # per endpoint
