"""Response models: what the API promises (and what the OpenAPI document describes)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, RootModel

T = TypeVar("T")

# the store keeps naive UTC; on the wire every timestamp says it is UTC (RFC 3339 needs the offset)
UtcDateTime = Annotated[datetime, AfterValidator(lambda v: v if v.tzinfo else v.replace(tzinfo=UTC))]


def _iso_date_text(value: object) -> object:
    """Dates arrive as YYYY-MM-DD only: pydantic alone would read ``0`` as 1970-01-01 (a Unix timestamp)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date must be written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


class ErrorBody(BaseModel):
    detail: str | list = Field(description="What went wrong (for 422: the invalid fields).")
    error_code: str
    timestamp: datetime
    path: str
    trace_id: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class LeagueRef(BaseModel):
    id: int
    code: str
    name: str
    country: str | None = None


class TeamRef(BaseModel):
    id: int
    name: str


class Score(BaseModel):
    home: int | None
    away: int | None
    home_ht: int | None = None
    away_ht: int | None = None
    home_et: int | None = None
    away_et: int | None = None
    home_penalties: int | None = None
    away_penalties: int | None = None


class MatchSummary(BaseModel):
    id: int
    league: LeagueRef
    season: str
    match_date: date | None
    kickoff_utc: UtcDateTime | None
    status: str
    period: str | None = None
    minute: int | None = None
    finish: str | None = None
    stage: str
    round: str | None = None
    round_number: int | None = None
    home: TeamRef
    away: TeamRef
    score: Score
    venue: str | None = None


class PlayerRef(BaseModel):
    id: int | None
    name: str | None


class MatchEvent(BaseModel):
    seq: int
    type: str
    side: str
    team_id: int
    minute: int | None
    added_minute: int | None
    player: PlayerRef | None


class MatchEvents(RootModel[list[MatchEvent]]):
    pass


class TeamStats(BaseModel):
    shots: int | None = None
    shots_on_target: int | None = None
    shots_off_target: int | None = None
    blocked_shots: int | None = None
    corners: int | None = None
    fouls: int | None = None
    yellow_cards: int | None = None
    red_cards: int | None = None
    offsides: int | None = None
    woodwork: int | None = None
    booking_points: int | None = None
    possession: float | None = Field(None, description="percent of the ball, 0-100")
    expected_goals: float | None = None
    passes: int | None = None
    passes_accurate: int | None = None
    saves: int | None = None
    tackles: int | None = None
    source: str | None = Field(None, description="the most trusted source that gave this side's figures")
    sources: dict[str, str] = Field({}, description="figure → the source it came from (figures are merged "
                                                    "from several sources, the most trusted giving each)")


class MatchStats(BaseModel):
    match_id: int
    home: TeamStats | None
    away: TeamStats | None


class LineupPlayer(BaseModel):
    player: PlayerRef
    starter: bool
    position: str | None
    shirt_number: int | None
    grid: str | None = Field(None, description="row:column on the pitch, row 1 = the goalkeeper (API-Football)")
    rating: float | None = Field(None, description="the most trusted source's match rating")
    minutes: int | None = None
    subbed_on_minute: int | None = None
    subbed_off_minute: int | None = None
    goals: int = 0
    yellow_cards: int = 0
    red_cards: int = 0


class Formation(BaseModel):
    formation: str | None = Field(description='e.g. "4-3-3"')
    coach: str | None
    source: str | None


class MatchLineups(BaseModel):
    match_id: int
    home: list[LineupPlayer]
    away: list[LineupPlayer]
    home_formation: Formation | None = None
    away_formation: Formation | None = None


class OddsQuote(BaseModel):
    source: str
    bookmaker: str
    market: str
    closing: bool
    line: float | None
    prices: dict[str, float | None]
    implied_probabilities: dict[str, float | None] = Field(description="1/price normalised: margin removed.")
    margin: float | None


class MatchOdds(BaseModel):
    match_id: int
    quotes: list[OddsQuote]


class OddsSummary(BaseModel):
    bookmaker: str
    closing: bool
    home: float | None
    draw: float | None
    away: float | None
    implied_probabilities: dict[str, float | None]


class SourceClaim(BaseModel):
    source: str
    rank: int = Field(description="1 = the most trusted source of this match (data/source_precedence.json)")
    seen_at: UtcDateTime = Field(description="when this source's statement about the match last changed")
    fields: list[str] = Field(description="every field this source gave")
    differs: dict[str, Any] = Field(description="the values it gave that are not the stored ones")


class ResultConflict(BaseModel):
    field: str
    chosen_source: str
    chosen_value: str
    other_source: str
    other_value: str
    first_seen_at: UtcDateTime
    updated_at: UtcDateTime
    resolved_at: UtcDateTime | None = None


class LeagueConflict(ResultConflict):
    match_id: int
    match_date: date | None
    season: str
    home: str
    away: str


class MatchProvenance(BaseModel):
    fields: dict[str, str] = Field(description="field → the most trusted source that gives the stored value")
    sources: list[SourceClaim]
    conflicts: list[ResultConflict]


class MatchDetail(MatchSummary):
    referee: str | None = None
    attendance: int | None = None
    neutral: bool = False
    last_checked_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    events: list[MatchEvent]
    statistics: MatchStats
    lineups: MatchLineups
    odds_summary: OddsSummary | None
    sources: MatchProvenance | None = Field(None, description="with ?include=sources: where each value came from")


class HeadToHead(BaseModel):
    match_id: int
    home: TeamRef
    away: TeamRef
    summary: dict[str, int] = Field(description="wins of the match's home team, draws, wins of its away team")
    matches: list[MatchSummary]


class League(LeagueRef):
    kind: str
    calendar_year: bool
    is_featured: bool
    matches: int
    latest_season: str | None


class Season(BaseModel):
    id: int
    label: str
    matches: int
    played: int
    first_match: date | None
    last_match: date | None


class StandingRow(BaseModel):
    position: int
    movement: int | None = Field(description="places gained (+) or lost (-) since the previous match date")
    team: TeamRef
    team_id: int
    team_name: str
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int
    points_deducted: int
    form: str
    zone: str | None
    decided_by: str | None
    group: str | None = Field(None, description="the group, in a season played in parallel groups (positions "
                                                "count within it)")
    split: str | None = Field(None, description="the part of a split league the team finished in (e.g. top_six, "
                                                "championship): positions are confined to it, whatever the points")
    points_per_game: float | None = Field(None, description="set when the season is ranked by points per game")
    conference: str | None = Field(None, description="the team's conference (MLS-shaped leagues)")
    conference_position: int | None = Field(None, description="position within the conference")


class FieldDifference(BaseModel):
    computed: Any = None
    published: Any = None


class RowDifference(BaseModel):
    team_id: int
    team_name: str
    fields: dict[str, FieldDifference]


class TableComparison(BaseModel):
    source: str
    published_at: str | None
    rows_compared: int
    agrees: bool
    differences: list[RowDifference]


class LeagueTable(BaseModel):
    league_id: int
    league_code: str
    league_name: str
    season: str
    as_of: date | None
    round: int | None
    venue: str | None
    matches_counted: int
    status: str | None = Field(None, description="curtailed or void, where the season was not played out")
    note: str | None = Field(None, description="how the competition decided the season")
    ranking: str = Field("points", description="points, or points_per_game for a season ranked by average")
    conference: str | None = Field(None, description="set when the table is one conference's")
    standings: list[StandingRow]
    comparison: list[TableComparison] | None = Field(None, description="with compare=provider: per provider "
                                                     "that published this table, the rows that disagree")


class TopScorer(BaseModel):
    rank: int
    player: PlayerRef
    team: TeamRef | None
    goals: int
    penalties: int


class TopScorers(RootModel[list[TopScorer]]):
    pass


class PositionHistory(BaseModel):
    league_id: int
    season: str
    dates: list[date]
    teams: list[dict]


class ExternalId(BaseModel):
    source: str
    external_id: str


class Venue(BaseModel):
    name: str
    address: str | None = None
    city: str | None = None
    country: str | None = None
    capacity: int | None = None
    surface: str | None = None
    image_url: str | None = Field(None, description="the provider's image URL (linked, not copied: its terms)")
    source: str


class Team(BaseModel):
    id: int
    name: str
    country: str | None
    external_ids: list[ExternalId] = []
    aliases: list[str] = []
    short_name: str | None = None
    code: str | None = None
    crest_url: str | None = Field(None, description="the provider's image URL (linked, not copied: its terms)")
    founded: int | None = None
    stadium: str | None = None
    capacity: int | None = None
    city: str | None = None
    colours: list[str] = []
    website: str | None = None
    profile_sources: dict[str, str] = Field({}, description="profile field → the source it came from")
    venue: Venue | None = Field(None, description="the ground the team plays at, as the most trusted source says")


class TeamFixture(MatchSummary):
    is_home: bool


class VenueRecord(BaseModel):
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    clean_sheets: int
    failed_to_score: int


class TeamSeasonStats(BaseModel):
    team: TeamRef
    league: LeagueRef
    season: str
    overall: VenueRecord
    home: VenueRecord
    away: VenueRecord
    form: str


class SquadPlayer(BaseModel):
    id: int
    name: str
    position: str | None
    shirt_number: int | None
    appearances: int
    nationality: str | None = None
    birth_date: date | None = None
    height_cm: int | None = None
    weight_kg: int | None = None
    photo_url: str | None = Field(None, description="the provider's image URL (linked, not copied: its terms)")
    sources: list[str] = Field([], description="the sources that list him in the team's squad")


class Injury(BaseModel):
    player: PlayerRef
    team_id: int
    status: str = Field(description="out (will not play) | doubtful (may play)")
    reason: str | None
    kickoff_utc: datetime | None
    match_id: int | None = Field(description="the stored match (None: the fixture is not loaded yet)")
    source: str


class Injuries(RootModel[list[Injury]]):
    pass


class Squad(RootModel[list[SquadPlayer]]):
    pass


class Player(BaseModel):
    id: int
    name: str
    team: TeamRef | None


class PlayerSeason(BaseModel):
    league_code: str
    league_name: str
    season: str
    appearances: int = 0
    starts: int = 0
    goals: int = 0
    penalty_goals: int = 0
    own_goals: int = 0
    yellow_cards: int = 0
    red_cards: int = 0


class PlayerStats(BaseModel):
    player: Player
    seasons: list[PlayerSeason]
