"""The live path: snapshots from a live source → upsert → derived feed events in an outbox, one transaction.

Called from the scheduler's worker thread. Events are derived by comparing the stored match with the snapshot
(domain.live), written to ``feed_events`` with a per-match sequence in the same transaction as the upsert, and
published after commit by ``ingest.publish`` in id order. A repeated snapshot changes nothing and so yields no
event; an older snapshot (earlier period/minute than stored) is dropped before it can roll a match back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from matchday.domain.changes import EVERYTHING, FeedEvent
from matchday.domain.live import MatchState, derive_events, is_stale
from matchday.domain.records import EventType, MatchEventRecord, MatchRecord, MatchStatus, Period, Side
from matchday.errors import NotFound
from matchday.ingest.apply import writing
from matchday.services.tables import league_table, standing_row
from matchday.store.identity import Resolver
from matchday.store.live_watch import stamp_checked
from matchday.store.match_writes import stored_match_ids, write_matches
from matchday.store.schema import competitions, feed_events, match_events, matches, seasons, teams


@dataclass(frozen=True)
class IngestResult:
    matches_seen: int
    matches_changed: int
    stale_dropped: int
    events: int
    match_ids: tuple[int, ...] = ()  # the stored match of each snapshot, in order


def _stored_states(conn: Connection, match_ids: list[int]) -> dict[int, MatchState]:
    if not match_ids:
        return {}
    states: dict[int, MatchState] = {}
    events: dict[int, list[MatchEventRecord]] = {}
    for row in conn.execute(select(match_events.c.match_id, match_events.c.type, match_events.c.side,
                                   match_events.c.minute, match_events.c.added_minute, match_events.c.player_name)
                            .where(match_events.c.match_id.in_(match_ids)).order_by(match_events.c.seq)):
        events.setdefault(row[0], []).append(
            MatchEventRecord(EventType(row[1]), Side(row[2]), row[3], row[4], row[5]))
    for row in conn.execute(select(matches.c.id, matches.c.status, matches.c.period, matches.c.minute,
                                   matches.c.home_goals, matches.c.away_goals).where(matches.c.id.in_(match_ids))):
        states[row[0]] = MatchState(MatchStatus(row[1]), Period(row[2]) if row[2] else None, row[3], row[4], row[5],
                                    tuple(events.get(row[0], ())))
    return states


def _channels(match_row: Any) -> list[str]:
    return [f"match:{match_row.id}", f"league:{match_row.competition_id}", f"team:{match_row.home_team_id}",
            f"team:{match_row.away_team_id}", "live:all"]


def ingest_snapshots(engine: Engine, source: str, snapshots: Sequence[MatchRecord],
                     checked_at: datetime | None = None) -> IngestResult:
    """``checked_at``: when the source was asked (its clock; simulated in the demo), stored as last_checked_at."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with writing(engine) as (conn, changes):
        resolver = Resolver(conn, source)
        known = stored_match_ids(conn, resolver, snapshots)
        before = _stored_states(conn, [m for m in known if m])
        stale = [m is not None and is_stale(before.get(m), MatchState.of(s))
                 for s, m in zip(snapshots, known, strict=True)]
        fresh = [(s, m) for s, m, old in zip(snapshots, known, stale, strict=True) if not old]
        counts = write_matches(conn, resolver, [s for s, _m in fresh], source)
        resolver.flush()
        touched = [m for m in counts.match_ids if m]
        fresh_ids = iter(counts.match_ids)
        all_ids = tuple(m if old else next(fresh_ids) for m, old in zip(known, stale, strict=True))
        stamp_checked(conn, all_ids, checked_at or now)  # every match asked about was checked, stale answer or not
        feed: list[dict[str, Any]] = []
        leagues_with_goals: dict[int, tuple[int, Any]] = {}
        home, away = teams.alias("home"), teams.alias("away")
        rows = {r.id: r for r in conn.execute(
            select(matches.c.id, matches.c.competition_id, matches.c.season_id, matches.c.home_team_id,
                   matches.c.away_team_id, home.c.name.label("home_team"), away.c.name.label("away_team"))
            .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)
            .where(matches.c.id.in_(touched)))} if touched else {}
        next_seq = dict(conn.execute(select(feed_events.c.match_id, func.max(feed_events.c.seq))
                                     .where(feed_events.c.match_id.in_(touched))
                                     .group_by(feed_events.c.match_id)).all()) if touched else {}
        # events follow the stored match, i.e. the snapshot merged with what other sources know (a snapshot
        # that a more trusted source contradicts changes nothing, so it tells nothing)
        after = _stored_states(conn, sorted(set(touched)))
        for match_id in dict.fromkeys(counts.match_ids):
            derived = derive_events(before.get(match_id), after[match_id])
            row = rows[match_id]
            for event in derived:
                next_seq[match_id] = next_seq.get(match_id, 0) + 1
                feed.append(_feed_row(match_id, next_seq[match_id], event, _channels(row), now,
                                      {"home_team": row.home_team, "away_team": row.away_team}))
                if event.type == "goal":
                    leagues_with_goals[row.competition_id] = (match_id, row)
        for competition_id, (match_id, row) in leagues_with_goals.items():
            table = live_table(conn, competition_id, row.season_id)
            if table is not None:
                next_seq[match_id] = next_seq.get(match_id, 0) + 1
                feed.append(_feed_row(match_id, next_seq[match_id], FeedEvent("table_update", table),
                                      [f"league:{competition_id}"], now))
        changes.feed.extend(feed)
        changes.add(counts.changes, counts.provenance_only)
        if resolver.renamed_teams:
            changes.tags.add(EVERYTHING)
    return IngestResult(len(snapshots), len(counts.changes), len(snapshots) - len(fresh), len(feed), all_ids)


def _feed_row(match_id: int, seq: int, event: FeedEvent, channels: list[str], now: datetime,
              names: dict[str, str] | None = None) -> dict[str, Any]:
    """A feed event's row; a match's events name both teams (``home_team``, ``away_team``: a notification or a
    client shows them without asking for the match)."""
    return {"match_id": match_id, "seq": seq, "type": event.type, "channels": channels,
            "payload": {"match_id": match_id, "seq": seq, **(names or {}), **event.data}, "created_at": now,
            "published_at": None}


def live_table(conn: Connection, competition_id: int, season_id: int) -> dict[str, Any] | None:
    code = conn.execute(select(competitions.c.code).where(competitions.c.id == competition_id)).scalar_one()
    label = conn.execute(select(seasons.c.label).where(seasons.c.id == season_id)).scalar_one()
    if conn.execute(select(competitions.c.kind).where(competitions.c.id == competition_id)).scalar_one() != "league":
        return None
    try:
        table = league_table(conn, code, label, live=True)
    except NotFound:  # a season label the table cannot resolve: the feed goes on without a live table
        return None
    return {"league_id": competition_id, "season": label, "live": True,
            "standings": [standing_row(row) for row in table.rows]}
