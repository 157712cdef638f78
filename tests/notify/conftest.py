"""A store with one fixture, Arsenal v Chelsea, written through the live path (``ingest_snapshots``), a users store
in the same SQLite file, and helpers to sign up a user who follows a team."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from matchday.accounts.store import upgrade_users
from matchday.domain.records import (
    CompetitionRef,
    EventType,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    Period,
    Side,
    TeamRef,
)
from matchday.ingest.live import ingest_snapshots
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import teams

COMP = CompetitionRef("test.push", "Push League", "England", "league")
HOME, AWAY = TeamRef("Arsenal", "England"), TeamRef("Chelsea", "England")
GOAL = MatchEventRecord(EventType.GOAL, Side.HOME, 23, None, "Bukayo Saka")
RED = MatchEventRecord(EventType.RED, Side.AWAY, 41, None, "Reece James")


def fixture(kickoff: datetime) -> MatchRecord:
    return MatchRecord(COMP, "2026-27", HOME, AWAY, kickoff.date(), kickoff_utc=kickoff, status=MatchStatus.SCHEDULED,
                       round="Matchday 1", round_number=1)


def kick_off(record: MatchRecord) -> MatchRecord:
    return replace(record, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=1, home_goals=0, away_goals=0)


def goal(record: MatchRecord) -> MatchRecord:
    return replace(kick_off(record), minute=23, home_goals=1, events=(GOAL,))


def red_card(record: MatchRecord) -> MatchRecord:
    return replace(goal(record), minute=41, events=(GOAL, RED))


def full_time(record: MatchRecord) -> MatchRecord:
    return replace(red_card(record), status=MatchStatus.FINISHED, period=None, minute=None)


MATCH_DAY = (kick_off, goal, red_card, full_time)
TITLES = {"kickoff": "Kick-off: Arsenal – Chelsea", "goal": "Goal: Arsenal 1–0 Chelsea, 23'",
          "red_card": "Red card: Chelsea, 41'", "final_score": "Full time: Arsenal 1–0 Chelsea"}


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Engine, MatchRecord]:
    engine = make_engine(f"sqlite:///{tmp_path / 'push.db'}")
    upgrade(engine)
    upgrade_users(engine)
    record = fixture(now() + timedelta(minutes=5))
    ingest_snapshots(engine, "simulator", [record])
    yield engine, record
    engine.dispose()


def team_id(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(teams.c.id).where(teams.c.name == name)).scalar_one()


def sign_up(client: TestClient, name: str, follows: int, kinds: list[str] | None = None) -> dict[str, str]:
    """Register ``name``, follow team ``follows``; returns the bearer headers."""
    assert client.post("/api/v1/auth/register", json={"email": f"{name}@example.org", "username": name,
                                                      "password": "a long enough password"}).status_code == 201
    tokens = client.post("/api/v1/auth/login", data={"username": name, "password": "a long enough password"}).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.post("/api/v1/users/favorites", json={"entity_type": "team", "entity_id": follows},
                       headers=headers).status_code == 201
    if kinds is not None:
        answer = client.put("/api/v1/users/notifications", json={"kinds": kinds}, headers=headers)
        assert answer.status_code == 200 and answer.json()["kinds"] == kinds
    return headers


def subscribe(client: TestClient, headers: dict[str, str], subscription: dict[str, Any]) -> int:
    answer = client.post("/api/v1/users/push-subscriptions", json=subscription, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]
