"""A member's season in a prediction league, round by round: the round's points, the running total and the rank
after the round (every member ranked on the running totals with the league's tie-breakers). Bonus questions are
answered once a season, so they are not in it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from matchday.accounts.schema import prediction_league_members, prediction_scores, users
from matchday.domain.prediction_scoring import ScoringRules, Standing, rank, round_winners
from matchday.errors import NotFound


def member_season(conn: Connection, league_id: int, rules: ScoringRules, user_id: int) -> dict[str, Any]:
    members = dict(conn.execute(select(users.c.id, users.c.username)
                                .join(prediction_league_members, prediction_league_members.c.user_id == users.c.id)
                                .where(prediction_league_members.c.prediction_league_id == league_id)).all())
    if user_id not in members:
        raise NotFound(f"user {user_id} is not a member of prediction league {league_id}")
    by_round: dict[int, dict[int, tuple[int, int, int, int]]] = defaultdict(dict)
    for row in conn.execute(select(prediction_scores.c.round_number, prediction_scores.c.user_id,
                                   prediction_scores.c.points, prediction_scores.c.exact,
                                   prediction_scores.c.differences, prediction_scores.c.tendencies)
                            .where(prediction_scores.c.prediction_league_id == league_id)):
        if row.user_id in members:
            by_round[row.round_number][row.user_id] = (row.points, row.exact, row.differences, row.tendencies)
    totals = {member: [0, 0, 0, 0, 0] for member in members}  # points, exact, differences, tendencies, round wins
    rounds = []
    for number in sorted(by_round):
        scores = by_round[number]
        for member, figures in scores.items():
            for i, value in enumerate(figures):
                totals[member][i] += value
        for winner in round_winners({m: figures[0] for m, figures in scores.items()}):
            totals[winner][4] += 1
        ranked = rank([Standing(m, *t) for m, t in totals.items()], rules.tie_breakers)
        place = next(position for position, s in ranked if s.user_id == user_id)
        rounds.append({"round": number, "points": scores.get(user_id, (0,))[0], "total": totals[user_id][0],
                       "rank": place, "members": len(members)})
    return {"prediction_league_id": league_id, "user_id": user_id, "username": members[user_id], "rounds": rounds}
