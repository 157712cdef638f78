"""/api/v1/teams and /api/v1/players."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from matchday.api import match_centre_schemas as mc_schemas
from matchday.api import presenters, schemas
from matchday.api.deps import Ctx, paging
from matchday.api.ids import PlayerId, TeamId
from matchday.domain.team_form import season_record
from matchday.errors import NotFound
from matchday.services import players
from matchday.services import teams as team_payloads
from matchday.store import match_centre_queries, match_queries, queries, reference_queries, team_queries
from matchday.store.match_queries import MatchFilter

router = APIRouter(tags=["teams"])


@router.get("/teams", response_model=schemas.Page[schemas.Team])
def list_teams(ctx: Ctx, search: Annotated[str | None, Query(max_length=100, description="Any name or alias.")] = None,
               source: Annotated[str | None, Query(max_length=40, description="With external_id: translate a "
                                                                             "provider's team id.")] = None,
               external_id: Annotated[str | None, Query(max_length=200)] = None,
               page: tuple[int, int] = Depends(paging(50, 200))) -> Response:
    """Teams by name or alias; ``source``+``external_id`` finds the team a provider's id stands for."""
    def build() -> schemas.Page[schemas.Team]:
        if source and external_id:
            team_id = team_queries.team_by_external_id(ctx.conn, source, external_id)
            return schemas.Page[schemas.Team](items=[schemas.Team(**team_payloads.team(ctx.conn, team_id))],
                                              total=1, limit=page[0], offset=0)
        rows, total = team_queries.search_teams(ctx.conn, search, *page)
        items = [schemas.Team(**r) for r in team_payloads.teams(ctx.conn, rows)]
        return schemas.Page[schemas.Team](items=items, total=total, limit=page[0],
                                          offset=page[1])

    return ctx.cached(["matches"], build)


@router.get("/teams/{team_id}", response_model=schemas.Team)
def get_team(ctx: Ctx, team_id: TeamId) -> Response:
    """A team with all its external ids, the names it is known by, and its profile (crest URL, short name,
    founding year, stadium, capacity, colours) with the source of each field."""
    team = schemas.Team(**team_payloads.team(ctx.conn, team_id))
    return ctx.cached([f"team:{team_id}"], lambda: team)


@router.get("/teams/{team_id}/fixtures", response_model=schemas.Page[schemas.TeamFixture])
def team_fixtures(ctx: Ctx, team_id: TeamId,
                  season: Annotated[str | None, Query(max_length=16)] = None,
                  page: tuple[int, int] = Depends(paging(50, 200))) -> Response:
    """The team's past and upcoming matches (newest first), each with ``is_home``."""
    team_queries.team(ctx.conn, team_id)

    def build() -> schemas.Page[schemas.TeamFixture]:
        flt = MatchFilter(team_id=team_id, season=season, horizon=ctx.request.app.state.horizon)
        rows, total = match_queries.list_matches(ctx.conn, flt, *page, newest_first=True)
        items = [schemas.TeamFixture(**presenters.match_summary(r).model_dump(), is_home=r["home_team_id"] == team_id)
                 for r in rows]
        return schemas.Page[schemas.TeamFixture](items=items, total=total, limit=page[0], offset=page[1])

    return ctx.cached([f"team:{team_id}"], build)


@router.get("/teams/{team_id}/stats", response_model=schemas.TeamSeasonStats)
def team_stats(ctx: Ctx, team_id: TeamId,
               league_id: Annotated[str | None, Query(max_length=64, description="League id or code.")] = None,
               season: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """Season record overall, at home and away: results, goals, clean sheets, form (default: latest season)."""
    team = team_queries.team(ctx.conn, team_id)
    played_in = team_queries.team_seasons(ctx.conn, team_id)
    if league_id:
        league = team_queries.league_by_id_or_code(ctx.conn, league_id)
        played_in = [p for p in played_in if p["id"] == league.id]
    if season:
        played_in = [p for p in played_in if p["label"] == season]
    if not played_in:
        raise NotFound(f"team {team_id} has no matches in that league/season")
    chosen = played_in[0]

    def build() -> schemas.TeamSeasonStats:
        _comp, label, season_id = queries.find_competition_season(ctx.conn, chosen["code"], chosen["label"])
        record = season_record(queries.table_results(ctx.conn, season_id), team_id)
        return schemas.TeamSeasonStats(team=schemas.TeamRef(id=team_id, name=team["name"]),
                                       league=schemas.LeagueRef(id=chosen["id"], code=chosen["code"],
                                                                name=chosen["name"]),
                                       season=label, **record)

    return ctx.cached([f"team:{team_id}"], build)


@router.get("/teams/{team_id}/squad", response_model=schemas.Squad)
def team_squad(ctx: Ctx, team_id: TeamId,
               season: Annotated[str | None, Query(max_length=16, description="Only the squad a source lists for "
                                                                          "this season (e.g. 2023-24).")] = None
               ) -> Response:
    """Players a source lists in the team's squad (API-Football ``/players``, ``/players/squads``) and players
    seen in its line-ups: position, shirt number, nationality, birth date, height, weight and photo URL from the
    most trusted source; appearances counted from the stored line-ups."""
    team_queries.team(ctx.conn, team_id)
    return ctx.cached([f"team:{team_id}"], lambda: schemas.Squad(
        [schemas.SquadPlayer(**p) for p in reference_queries.squad(ctx.conn, team_id, season)]))


@router.get("/teams/{team_id}/injuries", response_model=schemas.Injuries)
def team_injuries(ctx: Ctx, team_id: TeamId,
                  limit: Annotated[int, Query(ge=1, le=200, description="At most this many, latest first.")] = 50
                  ) -> Response:
    """The team's players out of or in doubt for its matches (API-Football ``/injuries``), latest first."""
    team_queries.team(ctx.conn, team_id)
    return ctx.cached([f"team:{team_id}"], lambda: schemas.Injuries(
        [presenters.injury(r) for r in reference_queries.team_injuries(ctx.conn, team_id, limit)]))


@router.get("/players/{player_id}", response_model=mc_schemas.PlayerDetail, tags=["players"])
def get_player(ctx: Ctx, player_id: PlayerId) -> Response:
    """A player: the names sources gave him, per competition season aggregates computed from the stored matches
    (appearances, starts, minutes, goals, assists, cards, xG, xA, average rating, per 90) and his matches."""
    row = team_queries.player(ctx.conn, player_id)

    def build() -> mc_schemas.PlayerDetail:
        profile = players.player_profile(ctx.conn, player_id)
        lines = [{**line, "match": presenters.match_summary(line["match"])} for line in profile["matches"]]
        return mc_schemas.PlayerDetail.model_validate({**profile, "matches": lines})

    return ctx.cached(["matches", *([f"team:{row['team_id']}"] if row["team_id"] else [])], build)


@router.get("/players", response_model=schemas.Page[schemas.Player], tags=["players"])
def search_players(ctx: Ctx, search: Annotated[str, Query(min_length=1, max_length=100,
                                                          description="Any name a source gave the player.")],
                   page: tuple[int, int] = Depends(paging(50, 200))) -> Response:
    """Players whose name, or any name a source gave them, contains ``search`` (accents and case ignored)."""
    def build() -> schemas.Page[schemas.Player]:
        rows, total = match_centre_queries.search_players(ctx.conn, search, *page)
        return schemas.Page[schemas.Player](items=[_player(r) for r in rows], total=total, limit=page[0],
                                            offset=page[1])

    return ctx.cached(["matches"], build)


def _player(row: dict) -> schemas.Player:
    return schemas.Player(id=row["id"], name=row["name"], team=schemas.TeamRef(id=row["team_id"],
                                                                               name=row["team_name"])
                          if row["team_id"] else None)


@router.get("/players/{player_id}/stats", response_model=schemas.PlayerStats, tags=["players"])
def player_stats(ctx: Ctx, player_id: PlayerId,
                 season: Annotated[str | None, Query(max_length=16)] = None) -> Response:
    """Per league season: appearances, starts, goals, penalties, own goals, cards."""
    row = team_queries.player(ctx.conn, player_id)

    def build() -> schemas.PlayerStats:
        seasons = [schemas.PlayerSeason(
            league_code=s["code"], league_name=s["name"], season=s["label"], appearances=s.get("appearances") or 0,
            starts=s.get("starts") or 0, goals=s.get("goal") or 0, penalty_goals=s.get("penalty_goal") or 0,
            own_goals=s.get("own_goal") or 0, yellow_cards=s.get("yellow") or 0, red_cards=s.get("red") or 0)
            for s in team_queries.player_season_stats(ctx.conn, player_id, season)]
        team = schemas.TeamRef(id=row["team_id"], name=row["team_name"]) if row["team_id"] else None
        return schemas.PlayerStats(player=schemas.Player(id=row["id"], name=row["name"], team=team), seasons=seasons)

    return ctx.cached([f"team:{row['team_id']}"] if row["team_id"] else ["matches"], build)
