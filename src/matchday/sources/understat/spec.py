"""Understat vocabulary and pages (HTML with ``JSON.parse('...')`` literals). Strict tables: a code not listed
is a ParseError. Vocabularies are those of the recorded pages (shared/data/api-samples/understat) plus the two
shot results those pages lack (ShotOnPost, OwnGoal), which Understat's own filters list."""

from __future__ import annotations

from matchday.sources.provider import Endpoint

PROVIDER = "understat"
BASE_URL = "https://understat.com"

# competitions: data/competition_register.json (matchday.competition_register), one entry per competition

SHOT_RESULTS: dict[str, str] = {"Goal": "goal", "SavedShot": "saved", "BlockedShot": "blocked",
                                "MissedShots": "missed", "ShotOnPost": "woodwork", "OwnGoal": "own_goal"}
SITUATIONS: dict[str, str] = {"OpenPlay": "open_play", "FromCorner": "corner", "SetPiece": "set_piece",
                              "DirectFreekick": "free_kick", "Penalty": "penalty"}
SHOT_TYPES: dict[str, str] = {"RightFoot": "right_foot", "LeftFoot": "left_foot", "Head": "head",
                              "OtherBodyPart": "other"}
# roster position -> G/D/M/F ("Sub": came off the bench)
POSITIONS: dict[str, str | None] = {
    "GK": "G", "DR": "D", "DC": "D", "DL": "D", "DMR": "M", "DMC": "M", "DML": "M", "MR": "M", "MC": "M",
    "ML": "M", "AMR": "M", "AMC": "M", "AML": "M", "FW": "F", "FWR": "F", "FWL": "F", "Sub": None,
}

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("league", "/league/{league}/{season}", ("league", "season"), returns="matches"),
    Endpoint("match", "/match/{match}", ("match",), returns="matches"),
    Endpoint("team", "/team/{team}/{season}", ("team", "season"), returns="matches"),
)}
