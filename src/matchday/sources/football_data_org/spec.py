"""football-data.org v4 vocabulary and endpoints. Strict tables: a code not listed is a ParseError.

Statuses and stages are the v4 enums (docs.football-data.org; the recorded answers in
``shared/data/api-samples/football-data-org`` use SCHEDULED, TIMED, FINISHED, POSTPONED and REGULAR_SEASON,
GROUP_STAGE, LAST_16).
"""

from __future__ import annotations

from matchday.domain.records import Finish, MatchStatus, Period
from matchday.sources.provider import Endpoint

PROVIDER = "football-data-org"
BASE_URL = "https://api.football-data.org/v4"
AUTH_HEADER = "X-Auth-Token"

STATUSES: dict[str, tuple[MatchStatus, Period | None]] = {
    "SCHEDULED": (MatchStatus.SCHEDULED, None),  # no kick-off time fixed yet
    "TIMED": (MatchStatus.SCHEDULED, None),  # kick-off time fixed
    "IN_PLAY": (MatchStatus.LIVE, None),  # the half is not said
    "PAUSED": (MatchStatus.HALFTIME, Period.HALFTIME),
    "EXTRA_TIME": (MatchStatus.LIVE, Period.EXTRA_TIME),
    "PENALTY_SHOOTOUT": (MatchStatus.LIVE, Period.PENALTIES),
    "FINISHED": (MatchStatus.FINISHED, None),
    "SUSPENDED": (MatchStatus.SUSPENDED, None),
    "POSTPONED": (MatchStatus.POSTPONED, None),
    "CANCELLED": (MatchStatus.CANCELLED, None),
    "AWARDED": (MatchStatus.AWARDED, None),
}

DURATIONS: dict[str, Finish] = {"REGULAR": Finish.REGULAR, "EXTRA_TIME": Finish.AET,
                                "PENALTY_SHOOTOUT": Finish.PENALTIES}

# stage -> canonical stage label ("regular" counts in the league table)
STAGES: dict[str, str] = {
    "REGULAR_SEASON": "regular", "APERTURA": "regular", "CLAUSURA": "regular",
    "GROUP_STAGE": "Group stage", "LEAGUE_STAGE": "League stage",
    "PRELIMINARY_ROUND": "Preliminary round", "PRELIMINARY_SEMI_FINALS": "Preliminary semi-finals",
    "PRELIMINARY_FINAL": "Preliminary final", "QUALIFICATION": "Qualification",
    "QUALIFICATION_ROUND_1": "Qualification round 1", "QUALIFICATION_ROUND_2": "Qualification round 2",
    "QUALIFICATION_ROUND_3": "Qualification round 3", "PLAYOFF_ROUND_1": "Play-off round 1",
    "PLAYOFF_ROUND_2": "Play-off round 2", "PLAYOFFS": "Play-offs", "PLAYOFF": "Play-offs",
    "ROUND_1": "Round 1", "ROUND_2": "Round 2", "ROUND_3": "Round 3", "ROUND_4": "Round 4",
    "LAST_64": "Round of 64", "LAST_32": "Round of 32", "LAST_16": "Round of 16",
    "QUARTER_FINALS": "Quarter-finals", "SEMI_FINALS": "Semi-finals", "THIRD_PLACE": "Third place",
    "FINAL": "Final", "CHAMPIONSHIP": "Championship round", "RELEGATION": "Relegation round",
    "RELEGATION_ROUND": "Relegation round",
}

STANDING_TYPES = frozenset({"TOTAL", "HOME", "AWAY"})

# competitions: data/competition_register.json (matchday.competition_register), one entry per competition
COMPETITION_TYPES = {"LEAGUE": "league", "CUP": "cup", "PLAYOFFS": "cup", "LEAGUE_CUP": "cup"}

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("competitions", "/competitions", ("areas",), returns="competitions"),
    Endpoint("competition", "/competitions/{competition}", ("competition",), returns="competitions"),
    Endpoint("competitions/matches", "/competitions/{competition}/matches",
             ("competition", "season", "matchday", "status", "dateFrom", "dateTo", "stage", "group"),
             returns="matches", live=True),
    Endpoint("competitions/standings", "/competitions/{competition}/standings",
             ("competition", "season", "matchday", "date"), returns="standings"),
    Endpoint("competitions/teams", "/competitions/{competition}/teams", ("competition", "season"),
             returns="teams"),
    Endpoint("competitions/scorers", "/competitions/{competition}/scorers", ("competition", "season", "limit"),
             returns="scorers"),
    Endpoint("matches", "/matches", ("ids", "dateFrom", "dateTo", "status", "competitions"), returns="matches",
             live=True),
    Endpoint("match", "/matches/{match}", ("match",), returns="matches", live=True),
    Endpoint("teams/matches", "/teams/{team}/matches",
             ("team", "dateFrom", "dateTo", "season", "competitions", "status", "venue", "limit"), returns="matches"),
    Endpoint("team", "/teams/{team}", ("team",), returns="teams"),
)}
