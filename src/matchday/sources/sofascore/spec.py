"""SofaScore api/v1 vocabulary and endpoints (a scraped source: off unless the user enables it).

Status codes seen in real captures (shared/data/api-samples/sofascore/README): 0, 20, 31, 60, 70, 80, 100, 110,
120. The others (6, 7, 32-34, 41, 42, 50, 61, 90, 91) are the football codes SofaScore clients document; no
capture shows them. Incident types and classes, statistic keys: those of the captures plus the documented ones.
Strict: anything else is a ParseError.
"""

from __future__ import annotations

from matchday.domain.records import EventType, Finish, MatchStatus, Period
from matchday.sources.provider import Endpoint

PROVIDER = "sofascore"
BASE_URL = "https://api.sofascore.com/api/v1"

# status.code -> (status, period, finish, minute at a break)
STATUSES: dict[int, tuple[MatchStatus, Period | None, Finish | None]] = {
    0: (MatchStatus.SCHEDULED, None, None),  # notstarted "Not started"
    61: (MatchStatus.SCHEDULED, None, None),  # "Start delayed"
    20: (MatchStatus.LIVE, None, None),  # inprogress "Started"
    6: (MatchStatus.LIVE, Period.FIRST_HALF, None),  # "1st half"
    31: (MatchStatus.HALFTIME, Period.HALFTIME, None),  # "Halftime"
    7: (MatchStatus.LIVE, Period.SECOND_HALF, None),  # "2nd half"
    32: (MatchStatus.HALFTIME, Period.HALFTIME, None),  # "Awaiting extra time"
    41: (MatchStatus.LIVE, Period.EXTRA_TIME, None),  # "1st extra"
    33: (MatchStatus.HALFTIME, Period.HALFTIME, None),  # "Extra time halftime"
    42: (MatchStatus.LIVE, Period.EXTRA_TIME, None),  # "2nd extra"
    34: (MatchStatus.LIVE, Period.PENALTIES, None),  # "Awaiting penalties"
    50: (MatchStatus.LIVE, Period.PENALTIES, None),  # "Penalties"
    60: (MatchStatus.POSTPONED, None, None),  # postponed
    70: (MatchStatus.CANCELLED, None, None),  # canceled
    80: (MatchStatus.SUSPENDED, None, None),  # interrupted
    90: (MatchStatus.ABANDONED, None, None),  # "Abandoned"
    91: (MatchStatus.AWARDED, None, None),  # "Walkover"
    100: (MatchStatus.FINISHED, None, Finish.REGULAR),  # finished "Ended"
    110: (MatchStatus.FINISHED, None, Finish.AET),  # finished "AET"
    120: (MatchStatus.FINISHED, None, Finish.PENALTIES),  # finished "AP" (after penalties)
}
BREAK_MINUTES = {31: 45, 32: 90, 33: 105}
PERIOD_START_MINUTE = {6: 0, 7: 45, 41: 90, 42: 105}

INCIDENT_TYPES = frozenset({"goal", "card", "substitution", "period", "injuryTime", "varDecision",
                            "penaltyShootout", "inGamePenalty"})
GOAL_CLASSES: dict[str, EventType] = {"regular": EventType.GOAL, "ownGoal": EventType.OWN_GOAL,
                                      "penalty": EventType.PENALTY_GOAL}
CARD_CLASSES: dict[str, EventType] = {"yellow": EventType.YELLOW, "yellowRed": EventType.SECOND_YELLOW,
                                      "red": EventType.RED}

# statistics key -> TeamStatsRecord field (None: known, not kept)
STATISTICS: dict[str, str | None] = {
    "ballPossession": "possession", "expectedGoals": "expected_goals", "totalShotsOnGoal": "shots",
    "shotsOnGoal": "shots_on_target", "cornerKicks": "corners", "fouls": "fouls", "yellowCards": "yellow_cards",
    "redCards": "red_cards", "offsides": "offsides", "goalkeeperSaves": "saves", "passes": "passes",
    "accuratePasses": "passes_accurate", "hitWoodwork": "woodwork",
    "bigChanceCreated": None, "bigChanceScored": None, "bigChanceMissed": None, "shotsOffGoal": "shots_off_target",
    "blockedScoringAttempt": "blocked_shots", "totalShotsInsideBox": None, "totalShotsOutsideBox": None,
    "accurateThroughBall": None, "touchesInOppBox": None, "fouledFinalThird": None, "freeKicks": None,
    "throwIns": None, "goalKicks": None, "totalTackle": "tackles", "interceptionWon": None, "totalClearance": None,
    "dispossessed": None, "duelWonPercent": None, "groundDuelsPercentage": None, "aerialDuelsPercentage": None,
    "dribblesPercentage": None, "wonTacklePercent": None, "ballRecovery": None, "accurateLongBalls": None,
    "accurateCross": None, "finalThirdEntries": None, "finalThirdPhaseStatistic": None, "errorsLeadToShot": None,
    "errorsLeadToGoal": None, "goalsPrevented": None, "bigSaves": None, "highClaims": None, "punches": None,
    "diveSaves": None, "goalkeeperSavesTotal": None,
}

# competitions: data/competition_register.json (matchday.competition_register), one entry per competition

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("event", "/event/{event}", ("event",), returns="matches", live=True),
    Endpoint("event/incidents", "/event/{event}/incidents", ("event",), returns="details"),
    Endpoint("event/statistics", "/event/{event}/statistics", ("event",), returns="details"),
    Endpoint("event/lineups", "/event/{event}/lineups", ("event",), returns="details"),
    Endpoint("events/live", "/sport/football/events/live", (), returns="matches", live=True),
    Endpoint("standings", "/unique-tournament/{tournament}/season/{season}/standings/total",
             ("tournament", "season"), returns="standings"),
)}

# Politeness for a scraped source: at most one request every few seconds, identified, cache-aware
POLITE_MIN_INTERVAL_S = 10.0  # the answers say max-age=10: asking more often only gets the same bytes
