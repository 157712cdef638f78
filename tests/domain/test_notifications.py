"""A feed message as a fan's notification: which events are told (kick-off, goal, red card, final score), and the
text both the page and Web Push show."""

from __future__ import annotations

from matchday.domain.notifications import KINDS, kind_of, notification_for

NAMES = {"match_id": 7, "home_team": "Arsenal", "away_team": "Chelsea"}


def test_each_kind_and_its_text() -> None:
    kickoff = notification_for("match_status", {**NAMES, "seq": 1, "status": "live", "previous_status": "scheduled",
                                                "score": {"home": 0, "away": 0}})
    goal = notification_for("goal", {**NAMES, "seq": 2, "side": "away", "minute": 90, "added_minute": 3,
                                     "player": "Cole Palmer", "detail": "penalty_goal",
                                     "score": {"home": 1, "away": 1}})
    red = notification_for("red_card", {**NAMES, "seq": 3, "side": "home", "minute": 41, "added_minute": None,
                                        "player": None})
    final = notification_for("match_status", {**NAMES, "seq": 4, "status": "finished", "previous_status": "live",
                                              "score": {"home": 1, "away": 1}})
    assert kickoff is not None and goal is not None and red is not None and final is not None
    assert [n.kind for n in (kickoff, goal, red, final)] == list(KINDS)
    assert kickoff.title == "Kick-off: Arsenal – Chelsea"
    assert goal.title == "Goal: Arsenal 1–1 Chelsea, 90+3'" and goal.body == "Scored by Cole Palmer (Chelsea)"
    assert red.title == "Red card: Arsenal, 41'" and red.body == "Arsenal – Chelsea"
    assert final.title == "Full time: Arsenal 1–1 Chelsea"
    assert {n.url for n in (kickoff, goal, red, final)} == {"/matches/7"}
    assert len({n.tag for n in (kickoff, goal, red, final)}) == 4  # one tag per event: page and push share it


def test_what_is_not_told() -> None:
    assert notification_for("yellow_card", {**NAMES, "side": "home", "minute": 5}) is None
    assert notification_for("match_update", {**NAMES, "minute": 5, "status": "live"}) is None
    assert kind_of("match_status", {"status": "halftime", "previous_status": "live"}) is None
    assert kind_of("match_status", {"status": "finished", "previous_status": "finished"}) is None
    assert kind_of("match_status", {"status": "awarded", "previous_status": "scheduled"}) == "final_score"
    assert notification_for("goal", {"minute": 3}) is None  # no match: nothing to open


def test_an_own_goal_and_a_goal_without_names() -> None:
    own = notification_for("goal", {**NAMES, "side": "home", "minute": 12, "player": "Ben White",
                                     "detail": "own_goal", "score": {"home": 1, "away": 0}})
    assert own is not None and own.body == "Ben White (Arsenal), own goal"
    bare = notification_for("goal", {"match_id": 3, "side": "home", "minute": None, "score": {"home": 1, "away": 0}})
    assert bare is not None and bare.title == "Goal: Home 1–0 Away" and bare.body == "Scored by Home"
