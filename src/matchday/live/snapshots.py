"""What a late joiner receives first: the current state of the channel it subscribed to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from matchday.errors import NotFound
from matchday.services.tables import league_table, standing_row
from matchday.store import match_queries, team_queries
from matchday.store.match_queries import Horizon, MatchFilter
from matchday.store.schema import feed_events, seasons


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    return {"match_id": row["id"], "league_id": row["competition_id"], "status": row["status"],
            "period": row["period"], "minute": row["minute"],
            "home": {"id": row["home_team_id"], "name": row["home_name"]},
            "away": {"id": row["away_team_id"], "name": row["away_name"]},
            "score": {"home": row["home_goals"], "away": row["away_goals"]},
            "kickoff_utc": row["kickoff_utc"].isoformat() + "Z" if row["kickoff_utc"] else None}


def feed_position(conn: Connection) -> int:
    return conn.execute(select(func.max(feed_events.c.id))).scalar() or 0


def snapshot(conn: Connection, channel: str, horizon: Horizon | None = None) -> dict[str, Any]:
    """The channel's state now (``horizon``: a replay's, which leaves out what it has not reached yet)."""
    scope, _, key = channel.partition(":")
    if scope == "match":
        match = match_queries.match_summary(conn, int(key))
        events = match_queries.events(conn, int(key))
        return {**_summary(match), "events": events}
    if scope == "league":
        league = team_queries.league_by_id_or_code(conn, key)
        latest = conn.execute(select(seasons.c.label).where(seasons.c.competition_id == league.id)
                              .order_by(seasons.c.label.desc())).scalars().first()
        if latest is None or league.kind != "league":
            return {"league_id": league.id, "standings": [], "live_matches": []}
        table = league_table(conn, league.code, latest, live=True,
                             as_of=horizon.table_as_of(league.code, None) if horizon else None)
        live, _ = match_queries.list_matches(conn, MatchFilter(competition_id=league.id,
                                                               statuses=match_queries.LIVE_STATUSES), 100, 0)
        return {"league_id": league.id, "season": latest, "live": True,
                "standings": [standing_row(r) for r in table.rows],
            "live_matches": [_summary(m) for m in live]}
    if scope == "team":
        team_queries.team(conn, int(key))
        live, _ = match_queries.list_matches(conn, MatchFilter(team_id=int(key), statuses=match_queries.LIVE_STATUSES),
                                             10, 0)
        return {"team_id": int(key), "live_matches": [_summary(m) for m in live]}
    if channel == "live:all":
        live, _ = match_queries.list_matches(conn, MatchFilter(statuses=match_queries.LIVE_STATUSES), 500, 0)
        return {"live_matches": [_summary(m) for m in live]}
    raise NotFound(f"no channel {channel!r}")
