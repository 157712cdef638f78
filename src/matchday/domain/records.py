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


@dataclass(slots=True)
class ParseResult:
    matches: list[MatchRecord] = field(default_factory=list)
    deductions: list[DeductionRecord] = field(default_factory=list)
    aliases: list[TeamAlias] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0
    # rows the source documents as no match at all (a cup bye): counted, neither stored nor quarantined
    not_matches: dict[str, int] = field(default_factory=dict)
