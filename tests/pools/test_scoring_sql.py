"""The one-UPDATE rescore gives exactly the pure scoring function's points, for every preset, every tip and
result up to 5:5, jokers and knockouts, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import insert, select

from matchday.accounts.schema import match_results, prediction_leagues, prediction_scores, predictions, users
from matchday.accounts.store import upgrade_users
from matchday.accounts.users import utcnow
from matchday.domain.prediction_scoring import MatchResult, rules_for, score, scored_result
from matchday.pools.sync import rescore
from matchday.store.engine import make_engine

SCORES = list(itertools.product(range(6), repeat=2))
RULES = [rules_for("kicktipp"), rules_for("tippspiel2"), rules_for("bundesliga-tippspiel"),
         rules_for("kicktipp", joker=True, knockout_result="final"),
         rules_for("custom", exact=6, difference=4, tendency=2, draw_difference=False, joker=True),
         rules_for("odds"), rules_for("odds", joker=True, knockout_result="final"),
         rules_for("custom", exact=0, difference=0, tendency=7, odds=True)]
KNOCKOUTS = [MatchResult(2, 1, "aet", 1, 1), MatchResult(1, 1, "penalties", 1, 1, 4, 3)]


def _odds(match_id: int) -> tuple[int | None, int | None, int | None]:
    """Closing odds in hundredths for every rounding case (x.x5 halves, long shots), some matches without."""
    if match_id % 11 == 0:
        return None, None, None
    return 101 + (match_id * 37) % 900, 250 + (match_id * 13) % 300, 105 + (match_id * 71) % 1500


@pytest.mark.parametrize("rules", RULES, ids=lambda r: f"{r.preset}-{r.knockout_result}-{r.joker}")
def test_sql_rescore_equals_the_pure_function(store_url: str, rules) -> None:  # noqa: ANN001
    engine = make_engine(store_url)
    upgrade_users(engine)
    results = [MatchResult(h, a, "regular") for h, a in SCORES] + KNOCKOUTS
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(users), [{"id": i + 1, "email": f"u{i}@x.org", "email_key": f"u{i}@x.org",
                                      "username": f"u{i}", "username_key": f"u{i}", "password_hash": "-",
                                      "created_at": now} for i in range(len(SCORES))])
        conn.execute(insert(prediction_leagues).values(id=1, name="t", owner_id=1, competition_id=1, season="s",
                                                       scoring=rules.as_dict(), visibility="private",
                                                       invite_code="ABC", created_at=now))
        conn.execute(insert(match_results), [
            {"prediction_league_id": 1, "match_id": m + 1, "status": "finished", "finish": r.finish,
             "home_goals": r.home_goals, "away_goals": r.away_goals, "home_goals_90": r.home_goals_90,
             "away_goals_90": r.away_goals_90, "home_penalties": r.home_penalties,
             "away_penalties": r.away_penalties, "odds_home": _odds(m + 1)[0], "odds_draw": _odds(m + 1)[1],
             "odds_away": _odds(m + 1)[2], "updated_at": now} for m, r in enumerate(results)])
        conn.execute(insert(predictions), [
            {"prediction_league_id": 1, "user_id": u + 1, "match_id": m + 1, "round_number": m % 7,
             "home_goals": tip[0], "away_goals": tip[1], "joker": (u + m) % 5 == 0, "created_at": now,
             "updated_at": now} for u, tip in enumerate(SCORES) for m in range(len(results))])
        rescored, _rounds = rescore(conn, 1, rules, None)
        assert rescored == len(SCORES) * len(results)
        stored = conn.execute(select(predictions.c.user_id, predictions.c.match_id, predictions.c.points,
                                     predictions.c.outcome)).all()
        totals = dict(((u, r), p) for u, r, p in conn.execute(
            select(prediction_scores.c.user_id, prediction_scores.c.round_number, prediction_scores.c.points)))
    expected_totals: dict[tuple[int, int], int] = {}
    for user_id, match_id, points, outcome in stored:
        tip, result = SCORES[user_id - 1], results[match_id - 1]
        joker = (user_id - 1 + match_id - 1) % 5 == 0
        odds = _odds(match_id)
        want = score(tip, scored_result(result, rules), rules, joker, None if odds[0] is None else odds)
        assert (points, outcome) == (want[0], want[1].value), (tip, result, joker)
        key = (user_id, (match_id - 1) % 7)
        expected_totals[key] = expected_totals.get(key, 0) + want[0]
    assert totals == expected_totals
    engine.dispose()
