"""international_results (martj42) vocabulary."""

from __future__ import annotations

PROVIDER = "international-results"
NATIONAL_TEAMS = "national"  # the identity scope of national teams, shared with openfootball's tournaments

# Tournament names with a canonical code of their own; every other tournament gets "int.<slug>"
TOURNAMENT_CODES: dict[str, str] = {
    "FIFA World Cup": "fifa.world",
    "UEFA Euro": "uefa.euro",
    "Friendly": "int.friendly",
}

FILES = {
    "results": ("date", "home_team", "away_team", "home_score", "away_score", "tournament", "city", "country",
                "neutral"),
    "goalscorers": ("date", "home_team", "away_team", "team", "scorer", "minute", "own_goal", "penalty"),
    "shootouts": ("date", "home_team", "away_team", "winner"),
    "former_names": ("current", "former", "start_date", "end_date"),
}
BOOLEANS = {"TRUE": True, "FALSE": False}
