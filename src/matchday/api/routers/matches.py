"""/api/v1/matches: live, today, upcoming, filtered lists, one match and its parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from matchday.api import match_centre_schemas as mc_schemas
from matchday.api import presenters, schemas
from matchday.api.deps import Ctx, paging
from matchday.api.ids import MatchId, OptionalIdQuery
from matchday.domain.records import MatchStatus
from matchday.services import lineups as lineup_payloads
from matchday.services import match_centre
from matchday.store import match_queries, reference_queries
from matchday.store.match_queries import MatchFilter
from matchday.store.team_queries import league_by_id_or_code

router = APIRouter(prefix="/matches", tags=["matches"])
LeagueParam = Annotated[str | None, Query(max_length=64, description="League id or code (eng.1).")]
StatusParam = Annotated[MatchStatus | None, Query(description="Only matches with this status.")]


def _league_id(ctx: Ctx, league: str | None) -> int | None:
    return league_by_id_or_code(ctx.conn, league).id if league else None


def _page(ctx: Ctx, flt: MatchFilter, limit: int, offset: int,
          turns: list[datetime] | None = None) -> schemas.Page[schemas.MatchSummary]:
    """One page; ``turns`` collects when each match listed in play turns unconfirmed without a new check."""
    rows, total = match_queries.list_matches(ctx.conn, flt, limit, offset)
    if turns is not None:
        turns += [r["unconfirmed_from"] for r in rows if r["unconfirmed_from"] is not None]
    return schemas.Page[schemas.MatchSummary](items=[presenters.match_summary(r) for r in rows], total=total,
                                              limit=limit, offset=offset)


def _tags(league_id: int | None) -> list[str]:
    return ["matches", *([f"league:{league_id}"] if league_id else [])]


@router.get("/live", response_model=schemas.Page[schemas.MatchSummary])
def live_matches(ctx: Ctx, league_id: LeagueParam = None,
                 page: tuple[int, int] = Depends(paging(50, 100))) -> Response:
    """Matches in play (live or at half time). A match a source last reported in play, whose kick-off is more than
    three hours past and that no source has checked for fifteen minutes, is not listed: it is unconfirmed. The
    answer is cached until the first match it lists would turn so, at most (no write needed to drop it)."""
    comp = _league_id(ctx, league_id)
    flt = MatchFilter(competition_id=comp, statuses=match_queries.LIVE_STATUSES,
                      confirmed_at=datetime.now(UTC).replace(tzinfo=None))
    turns: list[datetime] = []
    return ctx.cached(_tags(comp), lambda: _page(ctx, flt, *page, turns), "live",
                      lambda: min(turns, default=None))


@router.get("/today", response_model=schemas.Page[schemas.MatchSummary])
def today_matches(ctx: Ctx, league_id: LeagueParam = None, status: StatusParam = None,
                  page: tuple[int, int] = Depends(paging(100, 200))) -> Response:
    """Matches whose date is today (UTC)."""
    comp = _league_id(ctx, league_id)
    flt = MatchFilter(on_date=datetime.now(UTC).date(), competition_id=comp,
                      statuses=(status.value,) if status else ())
    return ctx.cached(_tags(comp), lambda: _page(ctx, flt, *page), "today")


@router.get("/upcoming", response_model=schemas.Page[schemas.MatchSummary])
def upcoming_matches(ctx: Ctx, league_id: LeagueParam = None,
                     days: Annotated[int, Query(ge=1, le=30, description="How many days ahead.")] = 7,
                     page: tuple[int, int] = Depends(paging(50, 200))) -> Response:
    """Scheduled matches kicking off in the next ``days`` days."""
    comp = _league_id(ctx, league_id)
    now = datetime.now(UTC).replace(tzinfo=None)
    flt = MatchFilter(competition_id=comp, statuses=(MatchStatus.SCHEDULED.value,), kickoff_from=now,
                      kickoff_to=now + timedelta(days=days))
    return ctx.cached(_tags(comp), lambda: _page(ctx, flt, *page), "today")


@router.get("", response_model=schemas.Page[schemas.MatchSummary])
def list_matches(ctx: Ctx, on_date: Annotated[schemas.IsoDate | None, Query(alias="date")] = None,
                 league_id: LeagueParam = None,
                 team_id: OptionalIdQuery = None,
                 season: Annotated[str | None, Query(max_length=16, description="Season label, e.g. 2011-12.")] = None,
                 status: StatusParam = None, page: tuple[int, int] = Depends(paging(50, 200))) -> Response:
    """Matches filtered by date, league, team, season and status."""
    comp = _league_id(ctx, league_id)
    flt = MatchFilter(on_date=on_date, competition_id=comp, team_id=team_id, season=season,
                      statuses=(status.value,) if status else (),
                      horizon=ctx.request.app.state.horizon)
    tags = _tags(comp) + ([f"team:{team_id}"] if team_id else [])
    return ctx.cached(tags, lambda: _page(ctx, flt, *page))


@router.get("/{match_id}", response_model=schemas.MatchDetail)
def get_match(ctx: Ctx, match_id: MatchId,
              include: Annotated[Literal["sources"] | None, Query(
                  description="sources: add where each value came from (provenance) and result conflicts")] = None,
              ) -> Response:
    """One match in full: score parts, events, statistics, lineups, officials, odds summary."""
    return ctx.cached([f"match:{match_id}"],
                      lambda: presenters.match_detail(ctx.conn, match_id, include_sources=include == "sources"),
                      presenters.match_kind)


def _kind_of(ctx: Ctx, match_id: int) -> str:
    return presenters.match_kind(presenters.match_summary(match_queries.match_summary(ctx.conn, match_id)))


@router.get("/{match_id}/events", response_model=schemas.MatchEvents)
def match_events(ctx: Ctx, match_id: MatchId) -> Response:
    """Goals, cards and substitutions in order."""
    summary = presenters.match_summary(match_queries.match_summary(ctx.conn, match_id))
    return ctx.cached([f"match:{match_id}"], lambda: schemas.MatchEvents(
        presenters.events(ctx.conn, match_id, summary.home.id, summary.away.id)), presenters.match_kind(summary))


@router.get("/{match_id}/stats", response_model=schemas.MatchStats)
def match_stats(ctx: Ctx, match_id: MatchId) -> Response:
    """Every stored team statistic (shots on and off target, blocked shots, possession, xG, passes, saves,
    tackles, corners, fouls, cards ...), each with the source that gave it."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: presenters.stats(ctx.conn, match_id), kind)


@router.get("/{match_id}/injuries", response_model=schemas.Injuries)
def match_injuries(ctx: Ctx, match_id: MatchId) -> Response:
    """Players out of (``out``) or in doubt for (``doubtful``) the match, with the reason, as the most trusted
    source reports (API-Football ``/injuries``)."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: schemas.Injuries(
        [presenters.injury(r) for r in reference_queries.match_injuries(ctx.conn, match_id)]), kind)


@router.get("/{match_id}/shots", response_model=mc_schemas.MatchShots)
def match_shots(ctx: Ctx, match_id: MatchId,
                source: Annotated[str | None, Query(max_length=40, description="Whose shots (default: the most "
                                                    "trusted source that has shots of the match).")] = None,
                ) -> Response:
    """Every shot with pitch position, xG, minute, player and result; both sides' totals; the xG race (each
    side's cumulative xG by minute)."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: mc_schemas.MatchShots.model_validate(
        match_centre.shots(ctx.conn, match_id, source)), kind)


@router.get("/{match_id}/players", response_model=mc_schemas.MatchPlayerStats)
def match_player_stats(ctx: Ctx, match_id: MatchId) -> Response:
    """Per player figures of the match (rating, minutes, goals, assists, shots, xG, xA, passes, cards), from
    every source that gave them, the most trusted first."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: mc_schemas.MatchPlayerStats.model_validate(
        lineup_payloads.player_stats(ctx.conn, match_id)), kind)


@router.get("/{match_id}/lineups", response_model=schemas.MatchLineups)
def match_lineups(ctx: Ctx, match_id: MatchId) -> Response:
    """Starting elevens and benches where the source has them, with each side's formation and coach, each
    player's grid place (row:column), rating, minutes, goals, cards and substitution minutes."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: presenters.lineups(ctx.conn, match_id), kind)


@router.get("/{match_id}/odds", response_model=schemas.MatchOdds)
def match_odds(ctx: Ctx, match_id: MatchId) -> Response:
    """Every bookmaker's opening and closing prices with implied probabilities (margin removed)."""
    kind = _kind_of(ctx, match_id)
    return ctx.cached([f"match:{match_id}"], lambda: schemas.MatchOdds(
        match_id=match_id, quotes=[presenters.odds_quote(q) for q in match_queries.odds(ctx.conn, match_id)]), kind)


@router.get("/{match_id}/head-to-head", response_model=schemas.HeadToHead)
def match_head_to_head(ctx: Ctx, match_id: MatchId,
                       limit: Annotated[int, Query(ge=1, le=50, description="Earlier meetings to return.")] = 10,
                       ) -> Response:
    """Earlier meetings of the two teams (any competition), newest first."""
    summary = presenters.match_summary(match_queries.match_summary(ctx.conn, match_id))
    return ctx.cached([f"team:{summary.home.id}", f"team:{summary.away.id}"],
                      lambda: presenters.head_to_head(ctx.conn, match_id, limit, ctx.request.app.state.horizon))

