"""ESPN site API (site.api.espn.com/apis/site/v2/sports/soccer/<league>/...) vocabulary and endpoints.

Statuses by ``status.type.name``: the nine seen across the 640 recorded scoreboards of the 2026 World Cup
(shared/data/api-samples/espn/README) plus the end-of-match names ESPN uses for other sports' soccer feeds
(postponed, cancelled, abandoned, suspended, delayed, forfeit, end-of-period breaks), which no capture shows.
Event ids are those of the captures (scoreboard ``details`` and summary ``keyEvents``). Strict: anything else
is a ParseError.
"""

from __future__ import annotations

from matchday.domain.records import EventType, Finish, MatchStatus, Period
from matchday.sources.provider import Endpoint

PROVIDER = "espn"
BASE_URL = "https://site.api.espn.com/apis/site/v2/sports/soccer"

# status.type.name -> (status, period, finish); period None with STATUS_IN_PROGRESS comes from status.period
STATUSES: dict[str, tuple[MatchStatus, Period | None, Finish | None]] = {
    "STATUS_SCHEDULED": (MatchStatus.SCHEDULED, None, None),
    "STATUS_DELAYED": (MatchStatus.SCHEDULED, None, None),
    "STATUS_FIRST_HALF": (MatchStatus.LIVE, Period.FIRST_HALF, None),
    "STATUS_HALFTIME": (MatchStatus.HALFTIME, Period.HALFTIME, None),
    "STATUS_SECOND_HALF": (MatchStatus.LIVE, Period.SECOND_HALF, None),
    "STATUS_IN_PROGRESS": (MatchStatus.LIVE, None, None),
    "STATUS_END_OF_REGULATION": (MatchStatus.HALFTIME, Period.HALFTIME, None),  # break before extra time
    "STATUS_OVERTIME": (MatchStatus.LIVE, Period.EXTRA_TIME, None),
    "STATUS_HALFTIME_ET": (MatchStatus.HALFTIME, Period.HALFTIME, None),
    "STATUS_END_OF_EXTRATIME": (MatchStatus.LIVE, Period.PENALTIES, None),
    "STATUS_SHOOTOUT": (MatchStatus.LIVE, Period.PENALTIES, None),
    "STATUS_FULL_TIME": (MatchStatus.FINISHED, None, Finish.REGULAR),
    "STATUS_FINAL": (MatchStatus.FINISHED, None, Finish.REGULAR),
    "STATUS_FINAL_AET": (MatchStatus.FINISHED, None, Finish.AET),
    "STATUS_FINAL_PEN": (MatchStatus.FINISHED, None, Finish.PENALTIES),
    "STATUS_POSTPONED": (MatchStatus.POSTPONED, None, None),
    "STATUS_CANCELED": (MatchStatus.CANCELLED, None, None),
    "STATUS_ABANDONED": (MatchStatus.ABANDONED, None, None),
    "STATUS_SUSPENDED": (MatchStatus.SUSPENDED, None, None),
    "STATUS_FORFEIT": (MatchStatus.AWARDED, None, None),
}
# STATUS_IN_PROGRESS: status.period -> period
PERIODS = {1: Period.FIRST_HALF, 2: Period.SECOND_HALF, 3: Period.EXTRA_TIME, 4: Period.EXTRA_TIME,
           5: Period.PENALTIES}

# event type id -> canonical type (None: a known event that is not a match event, e.g. kick-off)
EVENTS: dict[str, EventType | None] = {
    "70": EventType.GOAL,  # Goal
    "137": EventType.GOAL,  # Goal - Header
    "138": EventType.GOAL,  # Goal - Free-kick
    "173": EventType.GOAL,  # Goal - Volley
    "97": EventType.OWN_GOAL,  # Own Goal (listed under the team it counted for)
    "98": EventType.PENALTY_GOAL,  # Penalty - Scored (shoot-out kicks carry shootout: true)
    "104": EventType.PENALTY_GOAL,  # Penalty - Scored, in a shoot-out
    "94": EventType.YELLOW,  # Yellow Card
    "93": EventType.RED,  # Red Card
    "76": EventType.SUBSTITUTION,  # Substitution (participants: coming on, going off)
    "80": None,  # Kickoff
    "81": None,  # Halftime
    "82": None,  # Start 2nd Half
    "83": None,  # End Regular Time
}

# scoreboard competitor / summary boxscore statistic -> TeamStatsRecord field (None: known, not kept)
TEAM_STATS: dict[str, str | None] = {
    "foulsCommitted": "fouls", "wonCorners": "corners", "possessionPct": "possession", "totalShots": "shots",
    "shotsOnTarget": "shots_on_target", "yellowCards": "yellow_cards", "redCards": "red_cards",
    "offsides": "offsides", "saves": "saves", "accuratePasses": "passes_accurate", "totalPasses": "passes",
    "appearances": None, "goalAssists": None, "shotAssists": None, "totalGoals": None, "shotPct": None,
    "penaltyKickGoals": None, "penaltyKickShots": None, "passPct": None, "accurateCrosses": None,
    "totalCrosses": None, "crossPct": None, "totalLongBalls": None, "accurateLongBalls": None, "longballPct": None,
    "blockedShots": "blocked_shots", "effectiveTackles": None, "totalTackles": "tackles", "tacklePct": None,
    "interceptions": None,
    "effectiveClearance": None, "totalClearance": None,
}

# roster position abbreviation -> G/D/M/F (SUB: on the bench, position not given)
POSITIONS: dict[str, str | None] = {
    "G": "G", "GK": "G",
    "D": "D", "CD": "D", "CD-L": "D", "CD-R": "D", "LB": "D", "RB": "D", "LWB": "D", "RWB": "D", "SW": "D",
    "M": "M", "CM": "M", "CM-L": "M", "CM-R": "M", "DM": "M", "DM-L": "M", "DM-R": "M", "LM": "M", "RM": "M",
    "AM": "M", "AM-L": "M", "AM-R": "M",
    "F": "F", "CF": "F", "CF-L": "F", "CF-R": "F", "LF": "F", "RF": "F", "ST": "F", "LW": "F", "RW": "F",
    "SUB": None,
}

# competitions: data/competition_register.json (matchday.competition_register), one entry per competition

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("scoreboard", "/{league}/scoreboard", ("league", "dates", "limit"), returns="matches", live=True),
    Endpoint("summary", "/{league}/summary", ("league", "event"), returns="matches", live=True),
)}

# event season slug -> stage label (the labels openfootball's tournaments use, so both sources meet)
STAGES: dict[str, str] = {
    "regular-season": "regular", "group-stage": "Group stage", "league-phase": "League phase",
    "knockout-round-playoffs": "Knockout play-offs", "round-of-32": "Round of 32", "round-of-16": "Round of 16",
    "quarterfinals": "Quarter-finals", "semifinals": "Semi-finals", "3rd-place-match": "Match for third place",
    "final": "Final",
}

DEFAULT_LIVE_INTERVAL_S = 8.0  # the published design polls ESPN's scoreboard every 8 seconds
