"""Response models of the match centre: shots and the xG race, per-player figures, the player page."""

from __future__ import annotations

from dataclasses import fields
from typing import get_type_hints

from pydantic import BaseModel, Field, create_model

from matchday.api.schemas import LeagueRef, MatchSummary, Player, PlayerRef
from matchday.domain.records import PlayerMatchStatsRecord


class Shot(BaseModel):
    seq: int
    side: str
    team_id: int
    minute: int | None
    player: PlayerRef | None
    x: float | None = Field(description="0-1 along the pitch towards the goal attacked (Understat's convention)")
    y: float | None = Field(description="0-1 across the pitch")
    xg: float | None
    result: str = Field(description="goal | saved | blocked | missed | woodwork | own_goal")
    situation: str | None
    body_part: str | None
    assist_name: str | None


class ShotTotals(BaseModel):
    team_id: int
    shots: int
    goals: int
    on_target: int
    xg: float


class XgGoal(BaseModel):
    side: str
    player: str | None


class XgRaceStep(BaseModel):
    minute: int
    home_xg: float = Field(description="cumulative xG after this minute")
    away_xg: float
    goals: list[XgGoal]


class MatchShots(BaseModel):
    match_id: int
    source: str | None = Field(description="whose shots these are (the most trusted source with shots, unless "
                                           "?source= chose another)")
    sources: list[str] = Field(description="every source with shots of this match, the most trusted first")
    home: ShotTotals
    away: ShotTotals
    shots: list[Shot]
    xg_race: list[XgRaceStep]


def _player_figures() -> type[BaseModel]:
    """One source's figures of one player: every figure a ``PlayerMatchStatsRecord`` holds (one definition, so a
    figure a parser learns to read is served too), with the source and the player in place of side and name."""
    hints = get_type_hints(PlayerMatchStatsRecord)
    figures = {f.name: (hints[f.name], None) for f in fields(PlayerMatchStatsRecord)
               if f.name not in ("side", "player_name", "attributes")}
    return create_model("PlayerFigures", source=(str, ...), player=(PlayerRef, ...), **figures)


PlayerFigures = _player_figures()


class MatchPlayerStats(BaseModel):
    match_id: int
    home: list[PlayerFigures] = Field(description="every source's figures, the most trusted source first")
    away: list[PlayerFigures]


class Per90(BaseModel):
    goals: float | None
    assists: float | None
    expected_goals: float | None
    expected_assists: float | None


class PlayerCompetitionSeason(BaseModel):
    league: LeagueRef
    season: str
    appearances: int
    starts: int
    minutes: int
    goals: int
    assists: int | None
    yellow_cards: int
    red_cards: int
    expected_goals: float | None
    expected_assists: float | None
    average_rating: float | None
    rated_matches: int
    per_90: Per90


class PlayerMatch(BaseModel):
    match: MatchSummary
    side: str | None
    played: bool
    starter: bool
    minutes: int | None
    goals: int
    assists: int | None
    yellow_cards: int
    red_cards: int
    expected_goals: float | None
    expected_assists: float | None
    rating: float | None
    source: str | None = Field(description="the source of the player figures used (minutes, assists, xG, rating)")


class PlayerDetail(Player):
    names: list[str] = Field(description="every name a source gave the player, the stored one first")
    seasons: list[PlayerCompetitionSeason] = Field(description="per competition season, computed from the "
                                                               "stored matches")
    matches: list[PlayerMatch] = Field(description="newest first")
