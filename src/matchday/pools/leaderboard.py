"""Leaderboards: overall or one round, from the materialised ``prediction_scores``, plus bonus points and,
while matches are in play, provisional points from their current scores.

Ranking: points, then the prediction league's tie-breakers (exact scores, then differences; kicktipp first
counts round wins), and members equal on all of them share a rank.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from matchday.accounts.schema import (
    bonus_answers,
    bonus_questions,
    match_results,
    prediction_league_members,
    prediction_scores,
    predictions,
    users,
)
from matchday.domain.prediction_scoring import Outcome, ScoringRules, Standing, rank, score
from matchday.pools.football import MatchInfo

LIVE_STATUSES = ("live", "halftime")


def _bonus(conn: Connection, league_id: int) -> dict[int, int]:
    given = func.lower(func.trim(bonus_answers.c.answer))
    right = func.lower(func.trim(bonus_questions.c.correct_answer))
    query = (select(bonus_answers.c.user_id, func.sum(bonus_questions.c.points))
             .join(bonus_questions, bonus_questions.c.id == bonus_answers.c.question_id)
             .where(bonus_questions.c.prediction_league_id == league_id, bonus_questions.c.correct_answer.is_not(None),
                    given == right)
             .group_by(bonus_answers.c.user_id))
    return dict(conn.execute(query).all())


def _round_wins(conn: Connection, league_id: int) -> dict[int, int]:
    best = (select(prediction_scores.c.round_number, func.max(prediction_scores.c.points).label("best"))
            .where(prediction_scores.c.prediction_league_id == league_id)
            .group_by(prediction_scores.c.round_number).subquery())
    query = (select(prediction_scores.c.user_id, func.count())
             .join(best, and_(best.c.round_number == prediction_scores.c.round_number,
                              best.c.best == prediction_scores.c.points))
             .where(prediction_scores.c.prediction_league_id == league_id, best.c.best > 0)
             .group_by(prediction_scores.c.user_id))
    return dict(conn.execute(query).all())


def round_winners(conn: Connection, league_id: int, round_number: int | None = None) -> list[dict[str, Any]]:
    best = (select(prediction_scores.c.round_number, func.max(prediction_scores.c.points).label("best"))
            .where(prediction_scores.c.prediction_league_id == league_id)
            .group_by(prediction_scores.c.round_number).subquery())
    query = (select(prediction_scores.c.round_number, prediction_scores.c.points, users.c.id, users.c.username)
             .join(best, and_(best.c.round_number == prediction_scores.c.round_number,
                              best.c.best == prediction_scores.c.points))
             .join(users, users.c.id == prediction_scores.c.user_id)
             .join(prediction_league_members, and_(
                 prediction_league_members.c.user_id == users.c.id,
                 prediction_league_members.c.prediction_league_id == league_id))
             .where(prediction_scores.c.prediction_league_id == league_id, best.c.best > 0))
    if round_number is not None:
        query = query.where(prediction_scores.c.round_number == round_number)
    winners: dict[int, dict[str, Any]] = {}
    for rnd, points, user_id, username in conn.execute(query.order_by(prediction_scores.c.round_number, users.c.id)):
        entry = winners.setdefault(rnd, {"round": rnd, "points": points, "winners": []})
        entry["winners"].append({"user_id": user_id, "username": username})
    return list(winners.values())


def provisional(conn: Connection, league_id: int, rules: ScoringRules, live: list[MatchInfo]) -> dict[int, Standing]:
    """Points members would get if the matches in play ended as they stand now (not stored)."""
    by_match = {m.id: m for m in live if m.home_goals is not None and m.away_goals is not None}
    out: dict[int, Standing] = {}
    if not by_match:
        return out
    rows = conn.execute(select(predictions.c.user_id, predictions.c.match_id, predictions.c.home_goals,
                               predictions.c.away_goals, predictions.c.joker)
                        .where(predictions.c.prediction_league_id == league_id,
                               predictions.c.match_id.in_(list(by_match))))
    odds: dict[int, tuple[int | None, int | None, int | None]] = {}
    if rules.odds:  # the closing odds the last scoring run copied (none yet: counted at 1.00)
        odds = {m: (h, d, a) for m, h, d, a in conn.execute(
            select(match_results.c.match_id, match_results.c.odds_home, match_results.c.odds_draw,
                   match_results.c.odds_away).where(match_results.c.prediction_league_id == league_id,
                                                    match_results.c.match_id.in_(list(by_match))))}
    for user_id, match_id, home, away, joker in rows:
        match = by_match[match_id]
        points, outcome = score((home, away), (match.home_goals, match.away_goals), rules, joker, odds.get(match_id))
        old = out.get(user_id, Standing(user_id, 0))
        out[user_id] = Standing(user_id, old.points + points, old.exact + (outcome is Outcome.EXACT),
                                old.differences + (outcome is Outcome.DIFFERENCE),
                                old.tendencies + (outcome is Outcome.TENDENCY))
    return out


def leaderboard(conn: Connection, league_id: int, rules: ScoringRules, round_number: int | None = None,
                live: dict[int, Standing] | None = None) -> list[dict[str, Any]]:
    """Every member ranked (a member without points has 0); ``live`` adds provisional points."""
    scores = (select(prediction_scores.c.user_id, func.sum(prediction_scores.c.points).label("points"),
                     func.sum(prediction_scores.c.exact).label("exact"),
                     func.sum(prediction_scores.c.differences).label("differences"),
                     func.sum(prediction_scores.c.tendencies).label("tendencies"))
              .where(prediction_scores.c.prediction_league_id == league_id)
              .group_by(prediction_scores.c.user_id))
    if round_number is not None:
        scores = scores.where(prediction_scores.c.round_number == round_number)
    scores = scores.subquery()
    rows = conn.execute(select(users.c.id, users.c.username, func.coalesce(scores.c.points, 0),
                               func.coalesce(scores.c.exact, 0), func.coalesce(scores.c.differences, 0),
                               func.coalesce(scores.c.tendencies, 0))
                        .select_from(prediction_league_members)
                        .join(users, users.c.id == prediction_league_members.c.user_id)
                        .outerjoin(scores, scores.c.user_id == users.c.id)
                        .where(prediction_league_members.c.prediction_league_id == league_id)).all()
    bonus = _bonus(conn, league_id) if round_number is None else {}
    wins = _round_wins(conn, league_id) if round_number is None else {}
    live = live or {}
    names = {}
    standings = []
    for user_id, username, points, exact, differences, tendencies in rows:
        names[user_id] = username
        extra = live.get(user_id, Standing(user_id, 0))
        standings.append(Standing(user_id, int(points) + bonus.get(user_id, 0) + extra.points,
                                  int(exact) + extra.exact, int(differences) + extra.differences,
                                  int(tendencies) + extra.tendencies, wins.get(user_id, 0),
                                  {"bonus": bonus.get(user_id, 0), "provisional": extra.points}))
    return [{"rank": position, "user_id": s.user_id, "username": names[s.user_id], "points": s.points,
             "exact": s.exact, "differences": s.differences, "tendencies": s.tendencies, "round_wins": s.round_wins,
             "bonus_points": s.extra["bonus"], "provisional_points": s.extra["provisional"]}
            for position, s in rank(standings, rules.tie_breakers)]
