"""Request and response models of prediction leagues."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from matchday.api.schemas import LeagueRef, UtcDateTime

Goals = Field(ge=0, le=99)


class ScoringIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    preset: Literal["kicktipp", "tippspiel2", "bundesliga-tippspiel", "odds", "custom"] = Field(
        "kicktipp", description="odds: a right tendency scores 10 × the closing decimal odds of the predicted "
                                "outcome, rounded half up (a wrong one 0); custom: the points below")
    knockout_result: Literal["90min", "final"] = "90min"
    joker: bool = False
    lock: Literal["kickoff", "before_kickoff", "round_start"] = Field(
        "kickoff", description="when predictions close: at each kick-off, lock_minutes before it, or at the "
                               "first kick-off of the round")
    lock_minutes: int = Field(0, ge=0, le=10080, description="with lock before_kickoff")
    # custom only
    exact: int | None = Field(None, ge=0, le=100)
    difference: int | None = Field(None, ge=0, le=100)
    tendency: int | None = Field(None, ge=0, le=100)
    draw_difference: bool = True
    odds: bool = Field(False, description="custom: score a right tendency as tendency × the closing odds")


class ScoringOut(BaseModel):
    preset: str
    exact: int
    difference: int
    tendency: int
    draw_difference: bool
    additive: bool
    one_team_goals: int
    knockout_result: str
    joker: bool
    joker_factor: int
    tie_breakers: list[str]
    lock: str = "kickoff"
    lock_minutes: int = 0
    odds: bool = False


class PredictionLeagueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    competition: str = Field(min_length=1, max_length=64, description="The league's id or code (eng.1).")
    season: str = Field(min_length=4, max_length=16, description="2024-25, or 2024 for calendar-year leagues.")
    scoring: ScoringIn | Literal["kicktipp", "tippspiel2", "bundesliga-tippspiel", "odds"] = "kicktipp"
    visibility: Literal["private", "public"] = "private"
    reminder_minutes: int | None = Field(None, ge=0, le=20160, description="Remind members who have not predicted "
                                         "a round this long before its first kick-off; 0: never; null: the "
                                         "server's MATCHDAY_REMINDER_MINUTES.")


class PredictionLeaguePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reminder_minutes: int | None = Field(None, ge=0, le=20160, description="As at creation; null: the server's.")


class PredictionLeagueOut(BaseModel):
    id: int
    name: str
    competition: LeagueRef
    season: str
    scoring: ScoringOut
    visibility: str
    owner_id: int
    invite_code: str | None = Field(None, description="Shown to members only.")
    participants_scores_status: Literal["outdata", "syncing", "up-to-date"]
    scores_updated_at: UtcDateTime | None = None
    member_count: int
    is_member: bool
    reminder_minutes: int | None = None
    created_at: UtcDateTime


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite_code: str = Field(min_length=4, max_length=16)


class InviteCodeOut(BaseModel):
    invite_code: str


class MemberOut(BaseModel):
    user_id: int
    username: str
    joined_at: UtcDateTime


class PredictionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    home: int = Goals
    away: int = Goals
    joker: bool = False


class PredictionOut(BaseModel):
    match_id: int
    user_id: int
    username: str
    home: int
    away: int
    joker: bool
    round_number: int
    points: int | None = None
    outcome: Literal["exact", "difference", "tendency", "miss"] | None = None
    updated_at: UtcDateTime


class LeaderboardRow(BaseModel):
    rank: int
    user_id: int
    username: str
    points: int
    exact: int
    differences: int
    tendencies: int
    round_wins: int
    bonus_points: int
    provisional_points: int


class RoundWinner(BaseModel):
    user_id: int
    username: str


class RoundWinners(BaseModel):
    round: int
    points: int
    winners: list[RoundWinner]


class LeaderboardOut(BaseModel):
    prediction_league_id: int
    round: int | None
    participants_scores_status: str
    live: bool = Field(description="True when provisional points of matches in play are included.")
    total: int
    limit: int
    offset: int
    items: list[LeaderboardRow]
    round_winners: list[RoundWinners]


class FixtureOut(BaseModel):
    match_id: int
    round_number: int
    kickoff_utc: UtcDateTime | None
    status: str
    home: str
    away: str
    home_goals: int | None = None
    away_goals: int | None = None
    locks_at: UtcDateTime | None = Field(None, description="when predictions for it close (the league's lock rule)")
    locked: bool
    my_prediction: PredictionOut | None = None


class BonusQuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["champion", "top_scorer", "custom"]
    question: str = Field(min_length=1, max_length=200)
    points: int = Field(ge=0, le=100)
    deadline: UtcDateTime


class BonusAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str = Field(min_length=1, max_length=200)


class BonusResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    correct_answer: str = Field(min_length=1, max_length=200)


class BonusQuestionOut(BaseModel):
    id: int
    kind: str
    question: str
    points: int
    deadline: UtcDateTime
    correct_answer: str | None = None
    my_answer: str | None = None


class SeasonRound(BaseModel):
    round: int
    points: int = Field(description="the member's points in the round")
    total: int = Field(description="the running total after the round (bonus questions not included)")
    rank: int = Field(description="the member's rank after the round, on the running totals")
    members: int


class MemberSeasonOut(BaseModel):
    prediction_league_id: int
    user_id: int
    username: str
    rounds: list[SeasonRound]
