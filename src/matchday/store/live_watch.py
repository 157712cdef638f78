"""What the live scheduler needs from the store: the polling state of watched matches, and its marks on them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from matchday.domain.records import MatchStatus, Period
from matchday.store.schema import matches, teams


@dataclass(frozen=True)
class WatchedMatch:
    match_id: int
    status: MatchStatus
    period: Period | None
    kickoff_utc: datetime | None
    last_checked_at: datetime | None
    attention: str | None


def watched_states(engine: Engine, match_ids: Collection[int]) -> list[WatchedMatch]:
    if not match_ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(matches.c.id, matches.c.status, matches.c.period, matches.c.kickoff_utc,
                                   matches.c.last_checked_at, matches.c.attention)
                            .where(matches.c.id.in_(sorted(match_ids)))).all()
    return [WatchedMatch(r[0], MatchStatus(r[1]), Period(r[2]) if r[2] else None, r[3], r[4], r[5]) for r in rows]


def stamp_checked(conn: Connection, match_ids: Collection[int], at: datetime) -> None:
    """Record an attempt to check these matches: ``last_checked_at``, whatever the answer was."""
    if match_ids:
        conn.execute(update(matches).where(matches.c.id.in_(sorted(set(match_ids)))).values(last_checked_at=at))


def mark_checked(engine: Engine, match_ids: Collection[int], at: datetime) -> None:
    """``stamp_checked`` in a transaction of its own (an attempt whose fetch failed)."""
    with engine.begin() as conn:
        stamp_checked(conn, match_ids, at)


def flag_for_attention(engine: Engine, match_id: int, reason: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(matches).where(matches.c.id == match_id).values(attention=reason[:200]))


def flagged(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    """Matches flagged for attention, latest kick-off first (for `matchday status`)."""
    home, away = teams.alias("home"), teams.alias("away")
    rows = conn.execute(
        select(matches.c.id, home.c.name.label("home"), away.c.name.label("away"), matches.c.kickoff_utc,
               matches.c.status, matches.c.last_checked_at, matches.c.attention)
        .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)
        .where(matches.c.attention.is_not(None)).order_by(matches.c.kickoff_utc.desc()).limit(limit)
    ).mappings().all()
    return [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r.items()} for r in rows]
