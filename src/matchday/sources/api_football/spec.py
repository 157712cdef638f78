"""API-Football v3 (api-sports.io) vocabulary and endpoints. Strict tables: a code not listed is a ParseError.

Sources for the vocabularies: the provider's documented status list (reproduced by its client libraries) and
the recorded responses in ``shared/data/api-samples/api-football`` (see its README).
"""

from __future__ import annotations

import re

from matchday.domain.records import EventType, Finish, MatchStatus, Period
from matchday.sources.provider import Endpoint

PROVIDER = "api-football"
BASE_URL = "https://v3.football.api-sports.io"
AUTH_HEADER = "x-apisports-key"

# fixture.status.short -> (status, period, finish). Every documented code; nothing else is accepted.
STATUSES: dict[str, tuple[MatchStatus, Period | None, Finish | None]] = {
    "TBD": (MatchStatus.SCHEDULED, None, None),  # Time To Be Defined
    "NS": (MatchStatus.SCHEDULED, None, None),  # Not Started
    "1H": (MatchStatus.LIVE, Period.FIRST_HALF, None),  # First Half, Kick Off
    "HT": (MatchStatus.HALFTIME, Period.HALFTIME, None),  # Halftime
    "2H": (MatchStatus.LIVE, Period.SECOND_HALF, None),  # Second Half, 2nd Half Started
    "ET": (MatchStatus.LIVE, Period.EXTRA_TIME, None),  # Extra Time
    "BT": (MatchStatus.HALFTIME, Period.HALFTIME, None),  # Break Time (before/within extra time; minute >= 90)
    "P": (MatchStatus.LIVE, Period.PENALTIES, None),  # Penalty In Progress
    "SUSP": (MatchStatus.SUSPENDED, None, None),  # Match Suspended
    "INT": (MatchStatus.SUSPENDED, None, None),  # Match Interrupted
    "FT": (MatchStatus.FINISHED, None, Finish.REGULAR),  # Match Finished
    "AET": (MatchStatus.FINISHED, None, Finish.AET),  # Match Finished After Extra Time
    "PEN": (MatchStatus.FINISHED, None, Finish.PENALTIES),  # Match Finished After Penalty
    "PST": (MatchStatus.POSTPONED, None, None),  # Match Postponed
    "CANC": (MatchStatus.CANCELLED, None, None),  # Match Cancelled
    "ABD": (MatchStatus.ABANDONED, None, None),  # Match Abandoned
    "AWD": (MatchStatus.AWARDED, None, None),  # Technical Loss
    "WO": (MatchStatus.AWARDED, None, None),  # WalkOver
    "LIVE": (MatchStatus.LIVE, None, None),  # In Progress (rare: no period known)
}

# events[].type / detail -> canonical event type. Substitutions are "Substitution 1..n".
GOAL_DETAILS: dict[str, EventType] = {
    "Normal Goal": EventType.GOAL,
    "Own Goal": EventType.OWN_GOAL,
    "Penalty": EventType.PENALTY_GOAL,
    "Missed Penalty": EventType.MISSED_PENALTY,
}
CARD_DETAILS: dict[str, EventType] = {
    "Yellow Card": EventType.YELLOW,
    "Second Yellow card": EventType.SECOND_YELLOW,
    "Red Card": EventType.RED,
}
SUBSTITUTION = re.compile(r"^Substitution \d+$")
EVENT_TYPES = frozenset({"Goal", "Card", "subst", "Var"})
SHOOTOUT_COMMENT = "Penalty Shootout"

# fixtures/statistics type -> TeamStatsRecord field (None: known, not stored)
STAT_TYPES: dict[str, str | None] = {
    "Shots on Goal": "shots_on_target",
    "Shots off Goal": "shots_off_target",
    "Total Shots": "shots",
    "Blocked Shots": "blocked_shots",
    "Shots insidebox": None,
    "Shots outsidebox": None,
    "Fouls": "fouls",
    "Corner Kicks": "corners",
    "Offsides": "offsides",
    "Ball Possession": "possession",
    "Yellow Cards": "yellow_cards",
    "Red Cards": "red_cards",
    "Goalkeeper Saves": "saves",
    "Total passes": "passes",
    "Passes accurate": "passes_accurate",
    "Passes %": None,
    "expected_goals": "expected_goals",
    "goals_prevented": None,
}

LINEUP_POSITIONS = frozenset({"G", "D", "M", "F"})

# /players (statistics.games.position) and /players/squads (position) spell positions out
PLAYER_POSITIONS: dict[str, str] = {"Goalkeeper": "G", "Defender": "D", "Midfielder": "M", "Attacker": "F"}

# /injuries player.type (the provider's documentation: "Missing Fixture" = will not play, "Questionable" = may)
INJURY_TYPES: dict[str, str] = {"Missing Fixture": "out", "Questionable": "doubtful"}

# competitions: data/competition_register.json (matchday.competition_register), one entry per competition

# API-Football names some countries differently from matchday's catalog
COUNTRIES: dict[str, str] = {"USA": "USA", "Czech-Republic": "Czech Republic"}

# Countries whose leagues play a calendar-year season ("2024"), for leagues not in the catalog
CALENDAR_YEAR_COUNTRIES = frozenset({
    "Argentina", "Brazil", "Chile", "China", "Colombia", "Ecuador", "Estonia", "Finland", "Iceland", "Ireland",
    "Japan", "Kazakhstan", "Latvia", "Lithuania", "Norway", "Paraguay", "Peru", "South-Korea", "Sweden",
    "Uruguay", "USA", "Venezuela", "Belarus", "Faroe-Islands", "Canada", "Singapore", "Vietnam", "Thailand",
})

# Envelope error keys that mean a quota was spent (the rest are request errors)
RATE_LIMIT_ERROR_KEYS = frozenset({"rateLimit", "requests"})

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("leagues", "/leagues", ("id", "name", "country", "code", "season", "team", "type", "current",
                                     "search", "last"), returns="competitions"),
    Endpoint("leagues/seasons", "/leagues/seasons", (), returns="seasons"),
    Endpoint("teams", "/teams", ("id", "name", "league", "season", "country", "code", "venue", "search"),
             returns="teams"),
    Endpoint("fixtures", "/fixtures", ("id", "ids", "live", "date", "league", "season", "team", "last", "next",
                                       "from", "to", "round", "status", "venue", "timezone"),
             returns="matches", live=True),
    Endpoint("fixtures/events", "/fixtures/events", ("fixture", "team", "player", "type"), returns="details"),
    Endpoint("fixtures/lineups", "/fixtures/lineups", ("fixture", "team", "player", "type"), returns="details"),
    Endpoint("fixtures/statistics", "/fixtures/statistics", ("fixture", "team", "type", "half"),
             returns="details"),
    Endpoint("fixtures/players", "/fixtures/players", ("fixture", "team"), returns="details"),
    Endpoint("standings", "/standings", ("league", "season", "team"), returns="standings"),
    Endpoint("players/topscorers", "/players/topscorers", ("league", "season"), returns="scorers"),
    Endpoint("odds", "/odds", ("fixture", "league", "season", "date", "timezone", "page", "bookmaker", "bet"),
             returns="details"),
    Endpoint("countries", "/countries", ("name", "code", "search"), returns="references"),
    Endpoint("venues", "/venues", ("id", "name", "city", "country", "search"), returns="references"),
    Endpoint("players", "/players", ("id", "team", "league", "season", "search", "page"), returns="references"),
    Endpoint("players/squads", "/players/squads", ("team", "player"), returns="references"),
    Endpoint("injuries", "/injuries", ("league", "season", "fixture", "team", "player", "date", "ids", "timezone"),
             returns="references"),
    Endpoint("fixtures/rounds", "/fixtures/rounds", ("league", "season", "current", "dates", "timezone"),
             returns="references"),
    # the account's plan and the day's requests; the provider does not count it against the quota
    Endpoint("status", "/status", (), returns="references", cost=0),
)}

#: paged endpoints: ``paging {current, total}`` in the envelope; a job follows them with ``pages:``
PAGED_ENDPOINTS = frozenset({"players", "odds"})

# odds: bet name -> canonical market; values are "Home"/"Draw"/"Away" or "Over 2.5"/"Under 2.5"
ODDS_MARKETS: dict[str, str] = {"Match Winner": "1x2", "Goals Over/Under": "over_under"}
