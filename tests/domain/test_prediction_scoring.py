"""Every scoring preset against the rules its original publishes.

- kicktipp, "Punkteregel: 2 - 4 Punkte" (kicktipp.de, e.g. /cm0708/spielregeln): Sieg: Tendenz 2,
  Tordifferenz 3, Ergebnis 4; Unentschieden: Tendenz 2, Ergebnis 4 ("da bei einem Unentschieden die Tordifferenz
  immer korrekt ist, werden hier nur zwei beziehungsweise vier Punkte vergeben"); ties: Spieltagssiege.
- tippspiel2: exact 5, goal difference 3 (a 1:1 tip on a 2:2 draw scores 3), winner 1.
- bundesliga-tippspiel: tendency 7 + goal difference 5 + one team's goals 3, additive, at most 15.
"""

from __future__ import annotations

import itertools

import pytest

from matchday.domain.prediction_scoring import (
    PRESETS,
    MatchResult,
    Outcome,
    Standing,
    rank,
    round_winners,
    rules_for,
    score,
    scored_result,
)

KICKTIPP, TIPPSPIEL2, BUNDESLIGA = PRESETS["kicktipp"], PRESETS["tippspiel2"], PRESETS["bundesliga-tippspiel"]


@pytest.mark.parametrize(("tip", "result", "points", "outcome"), [
    ((2, 1), (2, 1), 4, Outcome.EXACT),
    ((2, 0), (3, 1), 3, Outcome.DIFFERENCE),
    ((2, 0), (1, 0), 2, Outcome.TENDENCY),
    ((0, 2), (1, 3), 3, Outcome.DIFFERENCE),  # away wins the same way
    ((1, 1), (1, 1), 4, Outcome.EXACT),
    ((1, 1), (2, 2), 2, Outcome.TENDENCY),  # a draw: 2 or 4, never 3
    ((0, 0), (3, 3), 2, Outcome.TENDENCY),
    ((2, 1), (1, 1), 0, Outcome.MISS),
    ((0, 2), (1, 0), 0, Outcome.MISS),
])
def test_kicktipp_2_4_rule(tip, result, points, outcome) -> None:  # noqa: ANN001
    assert score(tip, result, KICKTIPP) == (points, outcome)


def test_kicktipp_draws_score_only_2_or_4() -> None:
    draws = [(g, g) for g in range(6)]
    assert {score(t, r, KICKTIPP)[0] for t in draws for r in draws} == {2, 4}


@pytest.mark.parametrize(("tip", "result", "points"), [
    ((2, 1), (2, 1), 5), ((1, 1), (2, 2), 3), ((2, 0), (3, 1), 3), ((2, 0), (3, 0), 1), ((0, 1), (0, 3), 1),
    ((1, 0), (0, 0), 0), ((0, 0), (0, 0), 5),
])
def test_tippspiel2(tip, result, points) -> None:  # noqa: ANN001
    assert score(tip, result, TIPPSPIEL2)[0] == points


@pytest.mark.parametrize(("tip", "result", "points"), [
    ((2, 1), (2, 1), 15),  # 7 + 5 + 3
    ((2, 1), (3, 2), 12),  # tendency + difference
    ((2, 1), (2, 0), 10),  # tendency + the home goals
    ((2, 1), (3, 0), 7),   # tendency only
    ((1, 1), (2, 2), 12),  # a draw's difference is right
    ((1, 1), (1, 1), 15),
    ((2, 1), (2, 3), 3),   # wrong winner, but the home goals are right
    ((0, 0), (1, 2), 0),
])
def test_bundesliga_tippspiel_is_additive_up_to_15(tip, result, points) -> None:  # noqa: ANN001
    assert score(tip, result, BUNDESLIGA)[0] == points


def test_bundesliga_tippspiel_never_exceeds_15() -> None:
    pairs = list(itertools.product(range(6), repeat=2))
    assert max(score(t, r, BUNDESLIGA)[0] for t in pairs for r in pairs) == 15


def test_joker_doubles_when_the_rules_play_it() -> None:
    with_joker = rules_for("kicktipp", joker=True)
    assert score((2, 1), (2, 1), with_joker, joker=True) == (8, Outcome.EXACT)
    assert score((2, 1), (2, 1), KICKTIPP, joker=True) == (4, Outcome.EXACT)  # no joker in these rules


def test_custom_points() -> None:
    rules = rules_for("custom", exact=6, difference=4, tendency=2, draw_difference=False)
    assert [score(t, (2, 2), rules)[0] for t in ((2, 2), (1, 1), (1, 0))] == [6, 2, 0]
    with pytest.raises(ValueError, match="unknown scoring preset"):
        rules_for("lottery")


def test_knockout_scored_on_90_minutes_or_final_result() -> None:
    aet = MatchResult(2, 1, "aet", home_goals_90=1, away_goals_90=1)
    shootout = MatchResult(1, 1, "penalties", home_goals_90=1, away_goals_90=1, home_penalties=4, away_penalties=3)
    ninety, final = rules_for("kicktipp"), rules_for("kicktipp", knockout_result="final")
    assert scored_result(aet, ninety) == (1, 1) and scored_result(aet, final) == (2, 1)
    assert scored_result(shootout, ninety) == (1, 1)
    assert scored_result(shootout, final) == (5, 4)  # shoot-out goals added, as kicktipp's "nach Elfmeterschießen"
    assert scored_result(MatchResult(3, 0, "regular"), final) == (3, 0)


def test_ranking_shares_ranks_and_breaks_ties_in_order() -> None:
    standings = [Standing(1, 20, exact=3, differences=2), Standing(2, 20, exact=3, differences=4),
                 Standing(3, 20, exact=3, differences=4), Standing(4, 25), Standing(5, 10)]
    ranked = [(r, s.user_id) for r, s in rank(standings, TIPPSPIEL2.tie_breakers)]
    assert ranked == [(1, 4), (2, 2), (2, 3), (4, 1), (5, 5)]
    # kicktipp: matchday wins decide first
    by_wins = rank([Standing(1, 30, exact=5, round_wins=1), Standing(2, 30, exact=1, round_wins=3)],
                   KICKTIPP.tie_breakers)
    assert [s.user_id for _r, s in by_wins] == [2, 1]


def test_round_winners_share_the_top_score() -> None:
    assert round_winners({1: 9, 2: 12, 3: 12}) == [2, 3]
    assert round_winners({1: 0, 2: 0}) == []


@pytest.mark.parametrize(("tip", "result", "odds", "points", "outcome"), [
    ((2, 0), (3, 1), (237, 340, 305), 24, Outcome.DIFFERENCE),  # 10 × 2.37 = 23.7 → 24
    ((1, 1), (0, 0), (237, 340, 305), 34, Outcome.DIFFERENCE),  # the draw's price
    ((0, 1), (0, 1), (237, 340, 305), 31, Outcome.EXACT),  # 30.5 rounds half up; an exact tip earns no more
    ((1, 0), (0, 2), (237, 340, 305), 0, Outcome.MISS),  # a wrong tendency: nothing, whatever the odds
    ((1, 0), (2, 0), (245, 340, 305), 25, Outcome.TENDENCY),  # 24.5 → 25 (half up, not to even)
    ((1, 0), (2, 1), None, 10, Outcome.DIFFERENCE),  # no odds stored: counted at 1.00
])
def test_odds_preset_scales_a_right_tendency_by_its_closing_odds(tip, result, odds, points, outcome) -> None:  # noqa: ANN001
    assert score(tip, result, PRESETS["odds"], odds=odds) == (points, outcome)


def test_odds_preset_with_joker_and_validation() -> None:
    assert score((2, 0), (1, 0), rules_for("odds", joker=True), joker=True, odds=(237, 340, 305)) == (48,
                                                                                                     Outcome.TENDENCY)
    with pytest.raises(ValueError, match="not additive"):
        rules_for("custom", exact=1, difference=1, tendency=1, additive=True, odds=True)


def test_closing_odds_prefer_pinnacle_and_never_use_opening_prices() -> None:
    from matchday.domain.odds import closing_1x2

    quotes = [("bet365", True, 2.4, 3.3, 3.0), ("pinnacle", False, 2.5, 3.4, 3.1), ("pinnacle", True, 2.37, 3.4, 3.05),
              ("market_average", True, 2.3, 3.3, 3.0)]
    assert closing_1x2(quotes) == (237, 340, 305)
    assert closing_1x2(quotes[:2]) == (240, 330, 300)  # no Pinnacle closing price: the next one
    assert closing_1x2([("pinnacle", False, 2.5, 3.4, 3.1)]) is None  # opening only
    assert closing_1x2([("zz_book", True, 2.0, 3.0, None), ("aa_book", True, 2.1, 3.2, 3.9)]) == (210, 320, 390)
