"""The embedded scheduler under the polling policy, against a real store: what is fetched when, retries,
last_checked_at on every attempt, flagging a match that never ends, and discovery."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from matchday.domain.polling import PollingPolicy
from matchday.domain.records import MatchRecord, MatchStatus, Period
from matchday.ingest.live_runner import LiveRunner
from matchday.sources.simulator.generator import generate_season
from matchday.store import jobs
from matchday.store.live_watch import flagged
from matchday.store.schema import matches
from tests.conftest import run_async

KICKOFF = datetime(2026, 11, 22, 15, 0)


class StuckProvider:
    """A provider whose one match stays "live" long after it should have ended, and that can be made to fail."""

    name = "stuck-provider"
    interval_s = 0.01

    def __init__(self, record: MatchRecord) -> None:
        self.record = record
        self.clock = KICKOFF
        self.asked: list[list[str] | None] = []
        self.failures = 0

    def now(self) -> datetime:
        return self.clock

    def poll(self, keys: list[str] | None) -> dict[str, MatchRecord]:
        self.asked.append(None if keys is None else sorted(keys))
        if self.failures:
            self.failures -= 1
            raise ConnectionError("provider unreachable")
        return {"fixture-1": self.record}


@pytest.fixture
def provider() -> StuckProvider:
    base = generate_season(2, seed=4, season="2026-27").matches[0]
    live = replace(base, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=10, home_goals=0, away_goals=0,
                   kickoff_utc=KICKOFF, match_date=KICKOFF.date(), events=(), stats=(), lineups=(), odds=())
    return StuckProvider(live)


def _stored(engine: Engine) -> dict:
    with engine.connect() as conn:
        row = conn.execute(select(matches.c.status, matches.c.last_checked_at, matches.c.attention)
                           .where(matches.c.home_goals.is_not(None), matches.c.kickoff_utc == KICKOFF)).one()
    return dict(row._mapping)


def test_only_due_matches_are_fetched_retried_then_flagged(sqlite_engine: Engine, provider: StuckProvider) -> None:
    policy = replace(PollingPolicy(), discovery_interval_s=10**9)  # discovery once, at start
    runner = LiveRunner(sqlite_engine, None, provider, policy, speed=10_000)

    def look(at: datetime) -> None:
        provider.clock = at
        run_async(runner.poll_once())

    look(KICKOFF + timedelta(minutes=10))
    assert provider.asked == [None]  # discovery: everything the source covers
    look(KICKOFF + timedelta(minutes=10, seconds=5))
    assert len(provider.asked) == 1  # checked 5 s ago: not due
    look(KICKOFF + timedelta(minutes=10, seconds=25))
    assert provider.asked[-1] == ["fixture-1"]
    assert _stored(sqlite_engine)["last_checked_at"] == KICKOFF + timedelta(minutes=10, seconds=25)

    # past the expected end (kick-off + 115 min) and still not final: every 10 minutes
    look(KICKOFF + timedelta(minutes=120))
    assert len(provider.asked) == 3
    look(KICKOFF + timedelta(minutes=125))
    assert len(provider.asked) == 3
    look(KICKOFF + timedelta(minutes=131))
    assert len(provider.asked) == 4

    # a failing fetch is retried (3 retries) before the next regular poll; each attempt stamps last_checked_at
    provider.failures = 2
    look(KICKOFF + timedelta(minutes=142))
    assert len(provider.asked) == 7
    assert jobs.recent(sqlite_engine, 1)[0]["status"] == "ok"
    provider.failures = 10
    look(KICKOFF + timedelta(minutes=153))
    assert len(provider.asked) == 11
    failed = jobs.recent(sqlite_engine, 1)[0]
    assert failed["status"] == "failed" and "provider unreachable" in failed["error"]
    assert _stored(sqlite_engine)["last_checked_at"] == KICKOFF + timedelta(minutes=153)
    provider.failures = 0

    # four hours after kick-off: flagged for a person, no longer polled
    look(KICKOFF + timedelta(hours=4, minutes=1))
    look(KICKOFF + timedelta(hours=4, minutes=30))
    assert len(provider.asked) == 11
    with sqlite_engine.connect() as conn:
        [flag] = flagged(conn)
    assert "not final 4 h after kick-off" in flag["attention"]
    assert _stored(sqlite_engine)["attention"] == flag["attention"]

    # the provider finally reports full time (seen at the next discovery): the flag is cleared, polling stops
    provider.record = replace(provider.record, status=MatchStatus.FINISHED, period=None, minute=None)
    provider.clock = KICKOFF + timedelta(hours=5)
    run_async(runner.poll_once(discover=True))
    with sqlite_engine.connect() as conn:
        assert _stored(sqlite_engine)["status"] == "finished" and flagged(conn) == []
    look(KICKOFF + timedelta(hours=6))
    assert len(provider.asked) == 12 and runner.watched == {}


def test_discovery_runs_again_after_its_interval(sqlite_engine: Engine, provider: StuckProvider) -> None:
    runner = LiveRunner(sqlite_engine, None, provider, PollingPolicy(), speed=10_000)
    provider.clock = KICKOFF + timedelta(minutes=1)
    run_async(runner.poll_once())
    provider.clock = KICKOFF + timedelta(minutes=1, seconds=30)
    run_async(runner.poll_once())
    provider.clock = KICKOFF + timedelta(minutes=17)
    run_async(runner.poll_once())
    assert provider.asked == [None, ["fixture-1"], None]
