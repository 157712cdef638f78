"""A small real season for prediction leagues: four teams, round 1 played, round 2 ahead, written through the
live path, plus a users store; helpers to move matches on (kick-off, goals, full time) as a source would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from matchday.domain.records import CompetitionRef, MatchRecord, MatchStatus, Period, TeamRef
from matchday.ingest.live import ingest_snapshots
from matchday.store.outbox import mark_feed_published as mark_published

COMP = CompetitionRef("test.1", "Test League", "England", "league")
TEAMS = [TeamRef(name, "England") for name in ("Avon", "Bure", "Cam", "Dee")]
SEASON = "2026-27"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def fixture(home: int, away: int, round_number: int, kickoff: datetime, **score: object) -> MatchRecord:
    status = MatchStatus.FINISHED if "home_goals" in score else MatchStatus.SCHEDULED
    return MatchRecord(COMP, SEASON, TEAMS[home], TEAMS[away], kickoff.date(), kickoff_utc=kickoff,
                       status=score.pop("status", status), round=f"Matchday {round_number}",
                       round_number=round_number, **score)


def season_records() -> list[MatchRecord]:
    """Round 1 finished (2:1, 0:0); round 2 a day ahead; round 3: one match whose kick-off time has passed while
    its source still says scheduled (locked by the clock), one in a week."""
    t = now()
    return [
        fixture(0, 1, 1, t - timedelta(days=7), home_goals=2, away_goals=1),
        fixture(2, 3, 1, t - timedelta(days=7), home_goals=0, away_goals=0),
        fixture(1, 0, 2, t + timedelta(days=1)),
        fixture(3, 2, 2, t + timedelta(days=1, hours=2)),
        fixture(0, 2, 3, t - timedelta(minutes=1)),
        fixture(1, 3, 3, t + timedelta(days=8)),
    ]


def write(engine: Engine, *records: MatchRecord) -> list[int]:
    result = ingest_snapshots(engine, "simulator", list(records))
    mark_published(engine, 10**9)
    return list(result.match_ids)


def kick_off(record: MatchRecord, home: int = 0, away: int = 0, minute: int = 1) -> MatchRecord:
    return replace(record, status=MatchStatus.LIVE, period=Period.FIRST_HALF, minute=minute, home_goals=home,
                   away_goals=away)


def full_time(record: MatchRecord, home: int, away: int) -> MatchRecord:
    return replace(record, status=MatchStatus.FINISHED, period=None, minute=None, home_goals=home, away_goals=away)


def postpone(record: MatchRecord, new_kickoff: datetime) -> MatchRecord:
    return replace(record, status=MatchStatus.POSTPONED, kickoff_utc=new_kickoff, match_date=date(
        new_kickoff.year, new_kickoff.month, new_kickoff.day))
