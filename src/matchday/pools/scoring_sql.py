"""The scoring rules as one SQL expression, so a whole prediction league is rescored in one UPDATE.

``points_and_outcome`` mirrors ``domain.prediction_scoring.score`` case by case (a test checks they agree on
every tip/result pair up to 5:5, on SQLite and PostgreSQL); the rules are constants of the statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_

from matchday.domain.prediction_scoring import EVEN_ODDS, Outcome, ScoringRules


def _sign(home: Any, away: Any) -> ColumnElement:
    return case((home > away, 1), (home < away, -1), else_=0)


def result_columns(results: Any, rules: ScoringRules) -> tuple[ColumnElement, ColumnElement]:
    """The scored home/away goals of ``match_results`` rows under ``rules`` (scored_result in SQL)."""
    knockout = results.c.finish.in_(("aet", "penalties"))
    if rules.knockout_result == "90min":
        has_90 = and_(results.c.home_goals_90.is_not(None), results.c.away_goals_90.is_not(None))
        home = case((and_(knockout, has_90), results.c.home_goals_90), else_=results.c.home_goals)
        away = case((and_(knockout, has_90), results.c.away_goals_90), else_=results.c.away_goals)
        return home, away
    home = case((knockout, results.c.home_goals + _coalesce0(results.c.home_penalties)), else_=results.c.home_goals)
    away = case((knockout, results.c.away_goals + _coalesce0(results.c.away_penalties)), else_=results.c.away_goals)
    return home, away


def _coalesce0(column: Any) -> ColumnElement:
    return case((column.is_(None), 0), else_=column)


def odds_points(base: int, tip_home: Any, tip_away: Any, odds: tuple[Any, Any, Any]) -> ColumnElement:
    """``domain.prediction_scoring.odds_points`` in SQL: integer arithmetic on odds in hundredths, the same on
    SQLite and PostgreSQL (both divide integers by truncation; every operand is positive)."""
    price = case((tip_home > tip_away, odds[0]), (tip_home < tip_away, odds[2]), else_=odds[1])
    return (literal(base) * func.coalesce(price, EVEN_ODDS) + 50) // 100


def points_and_outcome(tip_home: Any, tip_away: Any, res_home: Any, res_away: Any, joker: Any,
                       rules: ScoringRules, odds: tuple[Any, Any, Any] | None = None
                       ) -> tuple[ColumnElement, ColumnElement]:
    """``odds``: the result rows' odds columns (home, draw, away in hundredths), for the odds preset."""
    right_tendency = _sign(tip_home, tip_away) == _sign(res_home, res_away)
    right_difference = (tip_home - tip_away) == (res_home - res_away)
    exact = and_(tip_home == res_home, tip_away == res_away)
    outcome = case((exact, Outcome.EXACT.value), (right_difference, Outcome.DIFFERENCE.value),
                   (right_tendency, Outcome.TENDENCY.value), else_=Outcome.MISS.value)
    if rules.odds:
        if odds is None:
            raise ValueError("odds scoring needs the results' odds columns")
        points = case((right_tendency, odds_points(rules.tendency, tip_home, tip_away, odds)), else_=0)
    elif rules.additive:
        points = (case((right_tendency, rules.tendency), else_=0) + case((right_difference, rules.difference), else_=0)
                  + case((or_(tip_home == res_home, tip_away == res_away), rules.one_team_goals), else_=0))
    else:
        difference_counts = right_difference if rules.draw_difference else and_(right_difference, res_home != res_away)
        points = case((exact, rules.exact), (difference_counts, rules.difference), (right_tendency, rules.tendency),
                      else_=0)
        if not rules.draw_difference:
            # a draw tip on a draw that is not exact: only the tendency (kicktipp)
            outcome = case((exact, Outcome.EXACT.value), (difference_counts, Outcome.DIFFERENCE.value),
                           (right_tendency, Outcome.TENDENCY.value), else_=Outcome.MISS.value)
    if rules.joker:
        points = points * case((joker.is_(True), rules.joker_factor), else_=literal(1))
    return points, outcome
