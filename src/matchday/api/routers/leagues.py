"""/api/v1/leagues: competitions, their seasons, tables, fixtures, scorers and position history."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from fastapi import APIRouter, Depends, Path, Query
from starlette.responses import Response

from matchday.api import presenters, schemas
from matchday.api.deps import Ctx, paging
from matchday.api.schemas import IsoDate
from matchday.domain.records import MatchStatus, Side
from matchday.errors import NotFound
from matchday.services.tables import league_table, season_position_history, standing_row
from matchday.store import match_queries, provenance_queries, queries, team_queries
from matchday.store.match_queries import MatchFilter

router = APIRouter(prefix="/leagues", tags=["leagues"])
LeagueKey = Annotated[str, Path(max_length=64, description="Internal id or canonical code (eng.1) or a "
                                                         "provider's code (E0).")]
SeasonParam = Annotated[str | None, Query(max_length=16, description="Season, e.g. 2011-12 (default: latest).")]
FEATURED = {"eng.1", "esp.1", "ger.1", "ita.1", "fra.1", "uefa.cl", "fifa.world", "uefa.euro"}


class LeagueRef(NamedTuple):
    """What a league's sub-resources need before their cache lookup (no count over the league's matches)."""

    id: int
    code: str
    name: str
    latest_season: str | None


def _league(ctx: Ctx, key: str) -> LeagueRef:
    row = team_queries.league_by_id_or_code(ctx.conn, key)
    return LeagueRef(row.id, row.code, row.name, team_queries.latest_season(ctx.conn, row.id))


def _league_detail(ctx: Ctx, key: str) -> schemas.League:
    row = team_queries.league_by_id_or_code(ctx.conn, key)
    found = {s["label"]: s for s in team_queries.league_seasons(ctx.conn, row.id)}
    return schemas.League(id=row.id, code=row.code, name=row.name, country=row.country, kind=row.kind,
                          calendar_year=row.calendar_year, is_featured=row.code in FEATURED,
                          matches=sum(s["matches"] for s in found.values()),
                          latest_season=max(found) if found else None)


def _season(ctx: Ctx, league: LeagueRef, season: str | None) -> str:
    if season is None:
        if league.latest_season is None:
            raise NotFound(f"league {league.code} has no seasons loaded")
        return league.latest_season
    return queries.find_competition_season(ctx.conn, league.code, season)[1]


@router.get("", response_model=schemas.Page[schemas.League])
def list_leagues(ctx: Ctx, country: Annotated[str | None, Query(max_length=100)] = None,
                 is_featured: Annotated[bool | None, Query(description="Only the featured leagues.")] = None,
                 kind: Annotated[str | None, Query(pattern="^(league|cup|international)$")] = None,
                 search: Annotated[str | None, Query(max_length=100)] = None,
                 source: Annotated[str | None, Query(max_length=40, description="With external_id: translate a "
                                                                               "provider's competition code.")] = None,
                 external_id: Annotated[str | None, Query(max_length=200)] = None,
                 page: tuple[int, int] = Depends(paging(100, 500))) -> Response:
    """Leagues and cups, filterable by country and kind; ``source``+``external_id`` translate provider codes."""
    def build() -> schemas.Page[schemas.League]:
        if external_id:
            comp = team_queries.league_by_id_or_code(ctx.conn, external_id)
            items = [_league_detail(ctx, str(comp.id))]
            return schemas.Page[schemas.League](items=items, total=1, limit=page[0], offset=0)
        rows, total = team_queries.list_leagues(ctx.conn, country, kind, search, 10_000 if is_featured else page[0],
                                                0 if is_featured else page[1])
        items = [schemas.League(id=r["id"], code=r["code"], name=r["name"], country=r["country"], kind=r["kind"],
                                calendar_year=r["calendar_year"], is_featured=r["code"] in FEATURED,
                                matches=r["matches"], latest_season=r["latest_season"]) for r in rows]
        if is_featured is not None:
            items = [i for i in items if i.is_featured == is_featured]
            total, items = len(items), items[page[1]:page[1] + page[0]]
        return schemas.Page[schemas.League](items=items, total=total, limit=page[0], offset=page[1])

    return ctx.cached(["matches"], build)


@router.get("/{league_id}", response_model=schemas.League)
def get_league(ctx: Ctx, league_id: LeagueKey) -> Response:
    row = team_queries.league_by_id_or_code(ctx.conn, league_id)
    return ctx.cached([f"league:{row.id}"], lambda: _league_detail(ctx, str(row.id)))


@router.get("/{league_id}/seasons", response_model=schemas.Page[schemas.Season])
def league_seasons(ctx: Ctx, league_id: LeagueKey) -> Response:
    row = team_queries.league_by_id_or_code(ctx.conn, league_id)

    def build() -> schemas.Page[schemas.Season]:
        items = [schemas.Season(**s) for s in team_queries.league_seasons(ctx.conn, row.id)]
        return schemas.Page[schemas.Season](items=items, total=len(items), limit=len(items), offset=0)

    return ctx.cached([f"league:{row.id}"], build)


@router.get("/{league_id}/table", response_model=schemas.LeagueTable)
def get_table(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None,
              as_of: Annotated[IsoDate | None, Query(description="Table after this date.")] = None,
              round: Annotated[int | None, Query(ge=1, le=200, description="Table after this round.")] = None,
              venue: Annotated[Side | None, Query(description="home or away matches only.")] = None,
              conference: Annotated[str | None, Query(max_length=40, description=(
                  "One conference's table (MLS-shaped leagues): its teams, positioned within it."))] = None,
              compare: Annotated[str | None, Query(pattern="^provider$", description="provider: add where the "
                                                   "providers' published tables disagree with this one.")] = None,
              ) -> Response:
    """The table computed from results per the league's rules, with movement, form, zone and tie-breaker."""
    league = _league(ctx, league_id)
    label = _season(ctx, league, season)
    horizon = ctx.request.app.state.horizon
    if horizon is not None:  # a replay's: not what it has not reached yet
        as_of = horizon.table_as_of(league.code, as_of)

    def build() -> schemas.LeagueTable:
        comparison = None
        if compare:
            from matchday.services.table_check import check_table

            comparison = [schemas.TableComparison(**c.as_dict()) for c in check_table(ctx.conn, league.code, label)]
        table = league_table(ctx.conn, league.code, label, as_of=as_of, up_to_round=round, venue=venue)
        rows = table.rows
        if conference is not None:
            rows = [{**row, "position": row["conference_position"]} for row in rows
                    if (row["conference"] or "").lower() == conference.lower()]
        standings = [schemas.StandingRow(**standing_row(row)) for row in rows]
        return schemas.LeagueTable(league_id=league.id, league_code=league.code, league_name=league.name,
                                   season=label, as_of=as_of, round=round, venue=venue.value if venue else None,
                                   matches_counted=table.matches_counted, status=table.status, note=table.note,
                                   ranking=table.ranking, conference=conference, standings=standings,
                                   comparison=comparison)

    return ctx.cached([f"league:{league.id}"], build, "default" if label == league.latest_season else "past")


@router.get("/{league_id}/fixtures", response_model=schemas.Page[schemas.MatchSummary])
def league_fixtures(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None,
                    status: Annotated[MatchStatus | None, Query()] = None,
                    round: Annotated[int | None, Query(ge=1, le=200)] = None,
                    date_from: Annotated[IsoDate | None, Query()] = None,
                    date_to: Annotated[IsoDate | None, Query()] = None,
                    page: tuple[int, int] = Depends(paging(100, 500))) -> Response:
    """A season's fixtures and results, filterable by status, round and date range."""
    league = _league(ctx, league_id)
    label = _season(ctx, league, season)
    flt = MatchFilter(competition_id=league.id, season=label, statuses=(status.value,) if status else (),
                      round_number=round, date_from=date_from, date_to=date_to)

    def build() -> schemas.Page[schemas.MatchSummary]:
        rows, total = match_queries.list_matches(ctx.conn, flt, *page)
        return schemas.Page[schemas.MatchSummary](items=[presenters.match_summary(r) for r in rows], total=total,
                                                  limit=page[0], offset=page[1])

    return ctx.cached([f"league:{league.id}"], build)


@router.get("/{league_id}/topscorers", response_model=schemas.TopScorers)
def top_scorers(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None,
                limit: Annotated[int, Query(ge=1, le=100)] = 20) -> Response:
    """Goals per player (penalties included, own goals not), where the source names scorers."""
    league = _league(ctx, league_id)
    label = _season(ctx, league, season)
    season_id = queries.find_season(ctx.conn, league.id, label)

    def build() -> schemas.TopScorers:
        rows = team_queries.top_scorers(ctx.conn, season_id, limit)
        return schemas.TopScorers([schemas.TopScorer(
            rank=i, player=schemas.PlayerRef(id=r["player_id"], name=r["name"]),
            team=schemas.TeamRef(id=r["team_id"], name=r["team_name"]) if r["team_id"] else None,
            goals=r["goals"], penalties=r["penalties"]) for i, r in enumerate(rows, start=1)])

    return ctx.cached([f"league:{league.id}"], build)


@router.get("/{league_id}/position-history", response_model=schemas.PositionHistory)
def position_history(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None) -> Response:
    """Each team's position after every match date of the season."""
    league = _league(ctx, league_id)
    label = _season(ctx, league, season)

    def build() -> schemas.PositionHistory:
        history = season_position_history(ctx.conn, league.code, label)
        return schemas.PositionHistory(league_id=league.id, season=label, dates=history["dates"],
                                       teams=[{"team": name, "positions": places}
                                              for name, places in history["teams"].items()])

    return ctx.cached([f"league:{league.id}"], build)


@router.get("/{league_id}/conflicts", response_model=schemas.Page[schemas.LeagueConflict])
def league_conflicts(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None,
                     include_resolved: Annotated[bool, Query(description="Also the ones the sources settled.")] = False,
                     page: tuple[int, int] = Depends(paging(100, 500))) -> Response:
    """Results two sources disagree on: the stored value and its source, the other value and its source."""
    league = _league(ctx, league_id)

    def build() -> schemas.Page[schemas.LeagueConflict]:
        season_id = queries.find_competition_season(ctx.conn, league.code, season)[2] if season else None
        rows = provenance_queries.conflicts(ctx.conn, league.id, season_id, include_resolved=include_resolved,
                                            limit=100_000)
        items = [schemas.LeagueConflict(**{k: row[k] for k in schemas.LeagueConflict.model_fields})
                 for row in rows[page[1]:page[1] + page[0]]]
        return schemas.Page[schemas.LeagueConflict](items=items, total=len(rows), limit=page[0], offset=page[1])

    return ctx.cached([f"league:{league.id}"], build)
