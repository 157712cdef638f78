"""iCalendar feeds to subscribe to from any calendar app: a team's matches, a competition's, a user's
favourites (a private address, since calendar apps cannot sign in)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from matchday.accounts import favorites
from matchday.services import calendars

router = APIRouter(prefix="/calendar", tags=["calendars"])
ICS = {200: {"content": {"text/calendar": {"schema": {"type": "string"}}},
             "description": "An iCalendar (RFC 5545) document: one event per match"}}
TeamId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Internal team id.")]


def _ics(request: Request, name: str, rows: list[dict]) -> Response:
    base_url = str(request.base_url).rstrip("/")
    return Response(calendars.feed(name, rows, base_url), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "max-age=300",
                             "Content-Disposition": 'inline; filename="matchday.ics"'})


@router.get("/team/{team_id}.ics", response_class=Response, responses=ICS)
def team_calendar(request: Request, team_id: TeamId) -> Response:
    """The team's matches of its latest two seasons and every later one, kick-off times as stored."""
    with request.app.state.read_engine.connect() as conn:
        name, rows = calendars.team_matches(conn, team_id, datetime.now(UTC).date())
    return _ics(request, f"{name} · matchday", rows)


@router.get("/league/{league}.ics", response_class=Response, responses=ICS)
def league_calendar(request: Request,
                    league: Annotated[str, Path(max_length=64, description="League id or code (eng.1).")]
                    ) -> Response:
    """The competition's matches of its latest two seasons and every later one."""
    with request.app.state.read_engine.connect() as conn:
        name, rows = calendars.league_matches(conn, league, datetime.now(UTC).date())
    return _ics(request, f"{name} · matchday", rows)


@router.get("/user/{token}.ics", response_class=Response, responses=ICS)
def favourites_calendar(request: Request,
                        token: Annotated[str, Path(max_length=60, description="The private address shown on "
                                                                             "the user's profile page.")]
                        ) -> Response:
    """A user's favourite teams' and leagues' matches from 30 days ago on."""
    accounts = request.app.state.accounts
    user_id = calendars.user_of_token(accounts.settings.secret_key, token)
    with accounts.engine.connect() as users_conn:
        followed = favorites.list_for(users_conn, user_id)
    with request.app.state.read_engine.connect() as conn:
        rows = calendars.favourite_matches(conn, followed, datetime.now(UTC).date())
    return _ics(request, "My matches · matchday", rows)
