"""Predictions: create or change one until kick-off (server clock or match status, whichever first), and who
sees whose: before kick-off a member sees only their own; from kick-off on, every member sees all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from matchday.accounts.schema import predictions, users
from matchday.accounts.users import User, utcnow
from matchday.errors import BadRequest, Conflict, Forbidden
from matchday.pools.football import MatchInfo
from matchday.pools.leagues import Access

LOCKED = "PREDICTION_LOCKED"


def check_match(acc: Access, match: MatchInfo) -> None:
    if (match.competition_id, match.season) != (acc.league["competition_id"], acc.league["season"]):
        raise BadRequest(f"match {match.id} is not part of this prediction league's season")


def put(conn: Connection, acc: Access, user: User, match: MatchInfo, home: int, away: int, joker: bool,
        is_locked: Callable[[int], bool], now: datetime | None = None,
        locks_at: datetime | None = None) -> tuple[dict[str, Any], bool]:
    """Create or change ``user``'s prediction; returns it and whether it was created. 409 PREDICTION_LOCKED from
    kick-off on; a joker is one match per round, moved freely while the match holding it has not kicked off
    (``is_locked(match_id)`` asks the football store)."""
    if not acc.is_member:
        raise Forbidden("only members predict")
    check_match(acc, match)
    now = now or utcnow()
    if match.locked(now, locks_at):
        why = "it has kicked off" if locks_at is None or locks_at == match.kickoff_utc else \
            f"this prediction league closes predictions at {locks_at:%Y-%m-%d %H:%M} UTC"
        raise Conflict(f"predictions for match {match.id} are locked: {why} ({match.status})", LOCKED)
    league_id = acc.league["id"]
    if joker:
        if not acc.rules.joker:
            raise BadRequest("this prediction league plays without jokers")
        _move_joker(conn, league_id, user.id, match, is_locked)
    key = and_(predictions.c.prediction_league_id == league_id, predictions.c.user_id == user.id,
               predictions.c.match_id == match.id)
    values = {"home_goals": home, "away_goals": away, "joker": joker, "round_number": match.round_number,
              "updated_at": now}
    created = conn.execute(update(predictions).where(key).values(**values)).rowcount == 0
    if created:
        conn.execute(insert(predictions).values(prediction_league_id=league_id, user_id=user.id, match_id=match.id,
                                                created_at=now, **values))
    row = conn.execute(select(predictions).where(key)).mappings().one()
    return _out(row, user.username), created


def _move_joker(conn: Connection, league_id: int, user_id: int, match: MatchInfo,
                is_locked: Callable[[int], bool]) -> None:
    others = conn.execute(select(predictions.c.match_id).where(
        predictions.c.prediction_league_id == league_id, predictions.c.user_id == user_id,
        predictions.c.round_number == match.round_number, predictions.c.joker.is_(True),
        predictions.c.match_id != match.id)).scalars().all()
    if not others:
        return
    if any(is_locked(m) for m in others):
        raise Conflict("the joker of this round is on a match that has kicked off", "JOKER_USED")
    conn.execute(update(predictions).where(predictions.c.prediction_league_id == league_id,
                                           predictions.c.user_id == user_id, predictions.c.match_id.in_(others))
                 .values(joker=False))


def _out(row: Any, username: str) -> dict[str, Any]:
    return {"match_id": row["match_id"], "user_id": row["user_id"], "username": username,
            "home": row["home_goals"], "away": row["away_goals"], "joker": row["joker"],
            "round_number": row["round_number"], "points": row["points"], "outcome": row["outcome"],
            "updated_at": row["updated_at"]}


def visible(conn: Connection, acc: Access, user: User | None, match: MatchInfo | None,
            now: datetime | None = None, locks_at: datetime | None = None) -> list[dict[str, Any]]:
    """``match`` None: the asking member's own predictions. Otherwise that match's predictions: everyone's from
    kick-off on (members, or anyone for a public prediction league), before it only the asker's own."""
    query = (select(predictions, users.c.username).join(users, users.c.id == predictions.c.user_id)
             .where(predictions.c.prediction_league_id == acc.league["id"]))
    if match is None:
        if user is None:
            return []
        query = query.where(predictions.c.user_id == user.id)
    else:
        check_match(acc, match)
        query = query.where(predictions.c.match_id == match.id)
        if not match.locked(now or utcnow(), locks_at):
            if user is None:
                return []
            query = query.where(predictions.c.user_id == user.id)
    rows = conn.execute(query.order_by(predictions.c.match_id, users.c.username)).mappings().all()
    return [_out(r, r["username"]) for r in rows]
