"""The match centre's SVG as pure functions: shot positions and sizes, goals marked, the xG race's steps, the
line-up pitch from grid places (and nothing without them)."""

from __future__ import annotations

import re

from matchday.services.match_centre import xg_race
from matchday.web.match_charts import LENGTH, SCALE, WIDTH, lineup_pitch, shot_map
from matchday.web.match_charts import xg_race as xg_race_chart


def _shot(side: str, minute: int, x: float, y: float, xg: float, result: str = "missed") -> dict:
    return {"seq": minute, "side": side, "team_id": 1, "minute": minute, "player": {"id": None, "name": "P"},
            "x": x, "y": y, "xg": xg, "result": result, "situation": None, "body_part": None, "assist_name": None}


def _payload(shots: list[dict]) -> dict:
    totals = {side: {"team_id": 1, "shots": sum(s["side"] == side for s in shots), "goals": 0, "on_target": 0,
                     "xg": sum(s["xg"] for s in shots if s["side"] == side)} for side in ("home", "away")}
    return {"shots": shots, "xg_race": xg_race(shots), **totals}


def test_home_attacks_right_and_away_left_with_area_by_xg() -> None:
    svg = shot_map(_payload([_shot("home", 10, 0.9, 0.5, 0.64, "goal"), _shot("away", 20, 0.9, 0.5, 0.04)]),
                   "Home", "Away")
    circles = re.findall(r'<g class="shot (\w+)( goal)?"[^>]*><title>[^<]*</title><circle cx="([\d.]+)" cy="([\d.]+)" '
                         r'r="([\d.]+)"/>', svg)
    by_side = {side: (float(x), float(y), float(r), bool(goal)) for side, goal, x, y, r in circles}
    assert by_side["home"][0] == round(0.9 * LENGTH * SCALE, 1)  # near the goal on the right
    assert by_side["away"][0] == round(0.1 * LENGTH * SCALE, 1)  # the same spot of the other half
    assert by_side["home"][1] == by_side["away"][1] == WIDTH / 2 * SCALE
    assert by_side["home"][2] > 2 * by_side["away"][2]  # sqrt(0.64 / 0.04) = 4 times the radius above a base
    assert by_side["home"][3] and not by_side["away"][3]
    assert svg.count('class="ring"') == 1


def test_no_shots_no_drawing() -> None:
    assert shot_map(_payload([]), "Home", "Away") == "" and xg_race_chart(_payload([]), "Home", "Away") == ""


def test_xg_race_accumulates_by_minute() -> None:
    race = xg_race([_shot("home", 5, 0.9, 0.5, 0.1), _shot("home", 5, 0.9, 0.5, 0.2, "goal"),
                    _shot("away", 70, 0.8, 0.4, 0.5)])
    assert [(s["minute"], s["home_xg"], s["away_xg"]) for s in race] == [(0, 0, 0), (5, 0.3, 0), (70, 0.3, 0.5),
                                                                        (90, 0.3, 0.5)]
    assert race[1]["goals"] == [{"side": "home", "player": "P"}]


def test_lineup_pitch_needs_every_starter_on_the_grid() -> None:
    def player(grid: str | None, number: int) -> dict:
        return {"player": {"id": number, "name": f"Player {number}"}, "starter": True, "position": None,
                "shirt_number": number, "grid": grid, "rating": 7.2, "minutes": 90, "subbed_on_minute": None,
                "subbed_off_minute": 60 if number == 9 else None, "goals": 1 if number == 9 else 0,
                "yellow_cards": 0, "red_cards": 0}

    home = [player("1:1", 1), player("2:1", 2), player("2:2", 3), player("3:1", 9)]
    svg = lineup_pitch({"home": home, "away": [player(None, 4)]}, "Home", "Away")
    assert svg.count('<g class="player home') == 4 and 'class="player away' not in svg
    keeper_x = float(re.search(r'<g class="player home"><title>Player 1[^<]*</title><circle class="shirt" '
                               r'cx="([\d.]+)"', svg).group(1))
    striker_x = float(re.search(r'Player 9[^<]*</title><circle class="shirt" cx="([\d.]+)"', svg).group(1))
    assert keeper_x < striker_x  # the home side attacks to the right
    assert "▼60'" in svg and "subbed-off" in svg
    assert lineup_pitch({"home": [player(None, 1)], "away": []}, "Home", "Away") == ""
