"""Predictions: one match's probabilities and likely scores, a league season's simulated final positions.

Both depend on every result of the country's leagues known before them, so they are cached under the
``matches`` tag: any write that changes a result invalidates them (the store's write log), never a stale one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from matchday.api.deps import Ctx
from matchday.api.routers.leagues import LeagueKey, SeasonParam, _league, _season
from matchday.api.routers.matches import MatchId
from matchday.api.schemas import ErrorBody

router = APIRouter(tags=["predictions"])


class LikelyScore(BaseModel):
    home: int
    away: int
    p: float


class MatchPrediction(BaseModel):
    match_id: int
    kickoff_utc: str
    home: str
    away: str
    model: str = Field(description="The combined model unless ?model= says otherwise.")
    as_of: str = Field(description="Predicted from the results known at this moment (UTC): kick-off, or now.")
    p_home: float
    p_draw: float
    p_away: float
    home_xg: float
    away_xg: float
    p_over_2_5: float
    p_under_2_5: float
    p_btts: float
    likely_scores: list[LikelyScore]


class TeamOutlook(BaseModel):
    team_id: int
    team_name: str
    expected_points: float
    positions: list[float] = Field(description="Probability of each final position, 1st first.")
    p_title: float
    p_europe: float | None = None
    p_relegation: float | None = None


class Simulation(BaseModel):
    league_id: int
    league: str
    season: str
    runs: int
    as_of: str
    matches_played: int
    matches_remaining: int
    zones: list[str]
    teams: list[TeamOutlook]


ModelParam = Annotated[str, Query(pattern="^(combined|dixon-coles|poisson|elo|pi|market|base-rates)$",
                                  description="Model to predict with.")]


@router.get("/matches/{match_id}/prediction", response_model=MatchPrediction)
def match_prediction(ctx: Ctx, match_id: MatchId, model: ModelParam = "combined") -> Response:
    """Home/draw/away, expected goals, most likely scores, over/under 2.5 and both teams to score, made from the
    results known before kick-off."""
    from matchday.services.predictions import match_prediction as predict_match

    def build() -> MatchPrediction:
        row = predict_match(ctx.conn, match_id, model)
        return MatchPrediction(**{k: v for k, v in row.items() if k in MatchPrediction.model_fields})

    return ctx.cached(["matches", f"match:{match_id}"], build, "past")


@router.get("/leagues/{league_id}/simulation", response_model=Simulation,
            responses={409: {"model": ErrorBody, "description": "The store lacks fixtures of the season."}})
def league_simulation(ctx: Ctx, league_id: LeagueKey, season: SeasonParam = None,
                      runs: Annotated[int, Query(ge=1000, le=20_000, description="Simulated seasons.")] = 10_000,
                      ) -> Response:
    """The rest of the season simulated: each team's probability of every final position, the title, European
    places and relegation, ranked by the league's own table rules."""
    from matchday.services.predictions import simulate

    league = _league(ctx, league_id)
    label = _season(ctx, league, season)

    def build() -> Simulation:
        return Simulation(**simulate(ctx.conn, league.code, label, runs=runs))

    return ctx.cached(["matches", f"league:{league.id}"], build, "past")

