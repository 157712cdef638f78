"""The home page of a signed-in user starts with their favorite teams' and leagues' matches: in play first,
then the next ones."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy import Connection

from matchday.accounts import favorites
from matchday.store import match_queries
from matchday.store.match_queries import MatchFilter
from matchday.web.sessions import web_user

PER_FAVORITE = 3


def your_matches(request: Request, conn: Connection, today: date) -> list[dict[str, Any]]:
    user = web_user(request)
    if user is None:
        return []
    with request.app.state.accounts.engine.connect() as users_conn:
        followed = favorites.list_for(users_conn, user.id)
    found: dict[int, dict[str, Any]] = {}
    filters = [MatchFilter(team_id=f["team_id"]) for f in followed["teams"]]
    filters += [MatchFilter(competition_id=f["league_id"]) for f in followed["leagues"]]
    for flt in filters:
        for statuses, since in ((match_queries.LIVE_STATUSES, None), (("scheduled",), today)):
            rows, _ = match_queries.list_matches(conn, MatchFilter(
                team_id=flt.team_id, competition_id=flt.competition_id, statuses=statuses, date_from=since),
                PER_FAVORITE, 0)
            found.update({row["id"]: row for row in rows})
    live = [m for m in found.values() if m["status"] in match_queries.LIVE_STATUSES]
    upcoming = sorted((m for m in found.values() if m not in live),
                      key=lambda m: (m["match_date"] or today, m["kickoff_utc"] or m["match_date"], m["id"]))
    return live + upcoming[:12]
