"""Canonical records: what every source parser produces and the pipeline stores.

Frozen dataclasses with slots, no framework imports. Names are provider-neutral; a source's own
identifiers travel in ``*_key`` fields (the provider's external id) and extras in ``attributes``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class MatchStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    HALFTIME = "halftime"
    FINISHED = "finished"
    POSTPONED = "postponed"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"
    AWARDED = "awarded"


#: statuses whose score counts in a league table
COUNTED_STATUSES = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED})


class Period(enum.StrEnum):
    FIRST_HALF = "first_half"
    HALFTIME = "halftime"
    SECOND_HALF = "second_half"
    EXTRA_TIME = "extra_time"
    PENALTIES = "penalties"


class Finish(enum.StrEnum):
    REGULAR = "regular"
    AET = "aet"
    PENALTIES = "penalties"


class EventType(enum.StrEnum):
    GOAL = "goal"
    OWN_GOAL = "own_goal"
    PENALTY_GOAL = "penalty_goal"
    MISSED_PENALTY = "missed_penalty"
    YELLOW = "yellow"
    SECOND_YELLOW = "second_yellow"
    RED = "red"
    SUBSTITUTION = "substitution"
    VAR = "var"


class Side(enum.StrEnum):
    HOME = "home"
    AWAY = "away"


@dataclass(frozen=True, slots=True)
class CompetitionRef:
    """A competition as a source names it; ``code`` is the canonical code (``eng.1``)."""

    code: str
    name: str
    country: str | None
    kind: str = "league"  # league | cup | international
    source_key: str | None = None  # the provider's own code for it (``E0``, ``en.1``)
    calendar_year: bool | None = None  # seasons named "2024" (None: the catalog's, else cups and internationals)


@dataclass(frozen=True, slots=True)
class TeamRef:
    """A team as a source names it. ``country`` scopes name matching (None: any country)."""

    name: str
    country: str | None
    source_key: str | None = None  # the provider's own id or name for this team


@dataclass(frozen=True, slots=True)
class MatchEventRecord:
    type: EventType
    side: Side
    minute: int | None
    added_minute: int | None = None
    player_name: str | None = None


@dataclass(frozen=True, slots=True)
class LineupEntry:
    side: Side
    player_name: str
    starter: bool
    position: str | None = None  # G, D, M, F
    shirt_number: int | None = None
    grid: str | None = None  # "row:column" on the pitch, rows from the own goal (API-Football: "1:1" = goalkeeper)


@dataclass(frozen=True, slots=True)
class FormationRecord:
    """A side's formation ("4-3-3") and coach in one match."""

    side: Side
    formation: str | None
    coach_name: str | None = None


@dataclass(frozen=True, slots=True)
class TeamStatsRecord:
    side: Side
    shots: int | None = None
    shots_on_target: int | None = None
    corners: int | None = None
    fouls: int | None = None
    yellow_cards: int | None = None
    red_cards: int | None = None
    offsides: int | None = None
    woodwork: int | None = None
    booking_points: int | None = None
    possession: float | None = None  # percent of the ball, 0-100
    expected_goals: float | None = None
    passes: int | None = None
    passes_accurate: int | None = None
    saves: int | None = None
    shots_off_target: int | None = None
    blocked_shots: int | None = None
    tackles: int | None = None


@dataclass(frozen=True, slots=True)
class OddsQuoteRecord:
    """One bookmaker's prices for one market. ``closing`` False means opening/pre-match prices."""

    bookmaker: str
    market: str  # 1x2 | over_under | asian_handicap
    closing: bool
    line: float | None = None
    price_home: float | None = None
    price_draw: float | None = None
    price_away: float | None = None
    price_over: float | None = None
    price_under: float | None = None


@dataclass(frozen=True, slots=True)
class ShotRecord:
    """One shot with the provider's pitch coordinates (0-1 from the shooting team's own goal line) and xG."""

    side: Side
    minute: int | None
    player_name: str | None
    x: float | None
    y: float | None
    xg: float | None
    result: str  # goal | saved | blocked | missed | woodwork | own_goal
    situation: str | None = None  # open_play | corner | set_piece | free_kick | penalty
    body_part: str | None = None  # right_foot | left_foot | head | other
    assist_name: str | None = None


@dataclass(frozen=True, slots=True)
class PlayerMatchStatsRecord:
    """One player's figures in one match; None where the provider gives nothing."""

    side: Side
    player_name: str
    minutes: int | None = None
    position: str | None = None
    shirt_number: int | None = None
    substitute: bool | None = None
    rating: float | None = None
    goals: int | None = None
    assists: int | None = None
    shots: int | None = None
    shots_on_target: int | None = None
    expected_goals: float | None = None
    expected_assists: float | None = None
    key_passes: int | None = None
    passes: int | None = None
    yellow_cards: int | None = None
    red_cards: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """One match in canonical form. Scores are None when unknown (not yet played, not given)."""

    competition: CompetitionRef
    season: str
    home: TeamRef
    away: TeamRef
    match_date: date | None  # the local date; None only for historical rows whose date is lost
    kickoff_utc: datetime | None = None
    status: MatchStatus = MatchStatus.FINISHED
    stage: str = "regular"  # "regular" = counts in the league table; else "playoffs", "Group A", "Final" ...
    round: str | None = None  # the source's label, e.g. "Matchday 12"
    round_number: int | None = None
    home_goals: int | None = None
    away_goals: int | None = None
    home_goals_ht: int | None = None
    away_goals_ht: int | None = None
    home_goals_et: int | None = None
    away_goals_et: int | None = None
    home_penalties: int | None = None
    away_penalties: int | None = None
    finish: Finish | None = None
    period: Period | None = None
    minute: int | None = None
    venue: str | None = None
    referee: str | None = None
    attendance: int | None = None
    neutral: bool = False
    source_line: int | None = None
    events: tuple[MatchEventRecord, ...] = ()
    stats: tuple[TeamStatsRecord, ...] = ()
    odds: tuple[OddsQuoteRecord, ...] = ()
    lineups: tuple[LineupEntry, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    source_key: str | None = None  # the provider's own id of the match (kept as an external id)
    shots: tuple[ShotRecord, ...] = ()
    player_stats: tuple[PlayerMatchStatsRecord, ...] = ()
    formations: tuple[FormationRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class DeductionRecord:
    competition_code: str
    season: str
    team: TeamRef
    points: int  # positive = points taken away; negative = points restored on appeal
    effective_date: date | None
    reason: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row a parser could not turn into a record: quarantined, never silently dropped."""

    line: int
    field: str
    reason: str
    raw: str


@dataclass(frozen=True, slots=True)
class TeamAlias:
    """Another name of a team: ``alias`` means the same team as ``name`` within ``scope`` (a country)."""

    scope: str
    name: str
    alias: str


@dataclass(frozen=True, slots=True)
class PublishedStandingRecord:
    """One row of a table as a provider publishes it (kept apart from the tables matchday computes)."""

    competition: CompetitionRef
    season: str
    group: str | None  # None for a single-table league; else the provider's group label
    position: int
    team: TeamRef
    played: int | None = None
    won: int | None = None
    drawn: int | None = None
    lost: int | None = None
    goals_for: int | None = None
    goals_against: int | None = None
    goal_difference: int | None = None
    points: int | None = None
    form: str | None = None
    description: str | None = None  # the provider's zone text, e.g. "Promotion - Champions League"
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ScorerRecord:
    """A published top-scorer row of a competition season."""

    competition: CompetitionRef
    season: str
    rank: int
    player_name: str
    team: TeamRef
    goals: int
    assists: int | None = None
    penalties: int | None = None
    appearances: int | None = None
    minutes: int | None = None
    player_key: str | None = None
    expected_goals: float | None = None
    expected_assists: float | None = None


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """A team as a provider's team list describes it (no match needed): joins or creates the team."""

    team: TeamRef
    code: str | None = None
    national: bool = False
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    profile: TeamProfile | None = None


@dataclass(frozen=True, slots=True)
class TeamProfile:
    """What a provider says about a team beyond its name. ``crest_url`` is the provider's own URL (linked, never
    copied: the providers' terms allow showing their images from their servers)."""

    short_name: str | None = None
    code: str | None = None
    crest_url: str | None = None
    founded: int | None = None
    stadium: str | None = None
    capacity: int | None = None
    city: str | None = None
    colours: tuple[str, ...] = ()  # "#rrggbb", the home shirt first
    website: str | None = None

    def is_empty(self) -> bool:
        return not any((self.short_name, self.code, self.crest_url, self.founded, self.stadium, self.capacity,
                        self.city, self.colours, self.website))


@dataclass(frozen=True, slots=True)
class CompetitionRecord:
    """A competition with the seasons a provider has for it."""

    competition: CompetitionRef
    seasons: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class ReferenceRecord:
    """Reference data a provider lists that the football store keeps no table for (a season's round names, the
    account's status): checked and counted for coverage."""

    kind: str  # round | status
    key: str  # the provider's id (or name when it has none)
    name: str
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class CountryRecord:
    """A country as a provider lists it (API-Football ``/countries``)."""

    name: str
    code: str | None = None
    flag_url: str | None = None  # the provider's image URL (linked, never copied)


@dataclass(frozen=True, slots=True)
class VenueRecord:
    """A ground as a provider describes it; ``team``: the team that plays there, when the answer says so."""

    key: str  # the provider's venue id
    name: str
    address: str | None = None
    city: str | None = None
    country: str | None = None
    capacity: int | None = None
    surface: str | None = None
    image_url: str | None = None
    team: TeamRef | None = None


@dataclass(frozen=True, slots=True)
class SquadMemberRecord:
    """A player in a team's squad: of a competition season (``/players``), or the current squad (``season``
    None: ``/players/squads``, which replaces the provider's previous current squad of that team)."""

    team: TeamRef
    player_name: str
    player_key: str | None = None  # the provider's player id
    competition: CompetitionRef | None = None
    season: str | None = None
    position: str | None = None  # G, D, M, F
    shirt_number: int | None = None
    appearances: int | None = None
    nationality: str | None = None
    birth_date: date | None = None
    height_cm: int | None = None
    weight_kg: int | None = None
    photo_url: str | None = None


@dataclass(frozen=True, slots=True)
class InjuryRecord:
    """A player missing (``out``) or in doubt (``doubtful``) for a match, with the provider's reason."""

    team: TeamRef
    player_name: str
    player_key: str | None
    match_key: str  # the provider's fixture id
    status: str  # out | doubtful
    reason: str | None = None
    kickoff_utc: datetime | None = None
    competition: CompetitionRef | None = None
    season: str | None = None


# team keys of a detail whose provider names the side itself (SofaScore's ``isHome``) instead of a team id
HOME_KEY, AWAY_KEY = "@home", "@away"


@dataclass(frozen=True, slots=True)
class TeamPart:
    """One team's share of a match detail; its side is known only once the store has the match.

    The items carry ``Side.HOME`` as a placeholder; the store sets the real side from ``team_key``."""

    team_key: str
    team_name: str
    lineup: tuple[LineupEntry, ...] = ()
    stats: TeamStatsRecord | None = None
    player_stats: tuple[PlayerMatchStatsRecord, ...] = ()
    formation: FormationRecord | None = None


@dataclass(frozen=True, slots=True)
class MatchDetailRecord:
    """Parts of a match from an endpoint that names the match only by the provider's id (events, lineups,
    statistics, players, odds of one fixture). ``partial``: a filtered answer (one team, one type) that may
    fill gaps but never replaces what is stored."""

    match_key: str
    parts: tuple[TeamPart, ...] = ()
    odds: tuple[OddsQuoteRecord, ...] = ()
    kinds: frozenset[str] = frozenset()  # which of events | lineups | stats | player_stats | odds it carries
    partial: bool = False
    events: tuple[tuple[str, MatchEventRecord], ...] = ()  # (team_key, event) in the provider's order


@dataclass(slots=True)
class ParseResult:
    matches: list[MatchRecord] = field(default_factory=list)
    deductions: list[DeductionRecord] = field(default_factory=list)
    aliases: list[TeamAlias] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    # rows the source documents as no match at all (a cup bye): counted, neither stored nor quarantined
    not_matches: dict[str, int] = field(default_factory=dict)
    standings: list[PublishedStandingRecord] = field(default_factory=list)
    scorers: list[ScorerRecord] = field(default_factory=list)
    teams: list[TeamRecord] = field(default_factory=list)
    competitions: list[CompetitionRecord] = field(default_factory=list)
    details: list[MatchDetailRecord] = field(default_factory=list)
    references: list[ReferenceRecord] = field(default_factory=list)
    countries: list[CountryRecord] = field(default_factory=list)
    venues: list[VenueRecord] = field(default_factory=list)
    squads: list[SquadMemberRecord] = field(default_factory=list)
    injuries: list[InjuryRecord] = field(default_factory=list)
