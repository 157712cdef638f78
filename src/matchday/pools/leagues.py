"""Prediction leagues: create, read, join by invite code, leave, remove members, rotate the code.

Who may see what: members see everything of their prediction league; others see a public one's page and
leaderboard, and nothing of a private one (404, as if it did not exist); admins see all. Only the owner
changes it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from matchday.accounts.schema import prediction_league_members, prediction_leagues, users
from matchday.accounts.users import User, utcnow
from matchday.domain.prediction_scoring import ScoringRules
from matchday.errors import BadRequest, Conflict, Forbidden, NotFound

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people


@dataclass(frozen=True)
class Access:
    league: dict[str, Any]
    is_member: bool
    is_owner: bool
    is_admin: bool

    @property
    def rules(self) -> ScoringRules:
        return ScoringRules.from_dict(self.league["scoring"])

    def require_member(self) -> None:
        if not (self.is_member or self.is_admin):
            raise Forbidden("members of this prediction league only")

    def require_owner(self) -> None:
        if not self.is_owner:
            raise Forbidden("the owner of this prediction league only")


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))


def create(conn: Connection, owner: User, name: str, competition_id: int, season: str, rules: ScoringRules,
           visibility: str, reminder_minutes: int | None = None) -> int:
    league_id = conn.execute(insert(prediction_leagues).values(
        name=name, owner_id=owner.id, competition_id=competition_id, season=season, scoring=rules.as_dict(),
        visibility=visibility, invite_code=new_invite_code(), participants_scores_status="up-to-date",
        reminder_minutes=reminder_minutes, created_at=utcnow())).inserted_primary_key[0]
    conn.execute(insert(prediction_league_members).values(prediction_league_id=league_id, user_id=owner.id,
                                                          joined_at=utcnow()))
    return league_id


def _row(conn: Connection, league_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(prediction_leagues).where(prediction_leagues.c.id == league_id)).mappings().first()
    return dict(row) if row else None


def access(conn: Connection, league_id: int, user: User | None) -> Access:
    """What ``user`` (None: anonymous) may do with a prediction league; NotFound when they may not know of it."""
    league = _row(conn, league_id)
    if league is None:
        raise NotFound(f"no prediction league {league_id}")
    member = user is not None and conn.execute(select(prediction_league_members.c.id).where(
        prediction_league_members.c.prediction_league_id == league_id,
        prediction_league_members.c.user_id == user.id)).first() is not None
    admin = user is not None and user.is_admin
    if league["visibility"] == "private" and not member and not admin:
        raise NotFound(f"no prediction league {league_id}")
    return Access(league, member, user is not None and league["owner_id"] == user.id, admin)


def member_count(conn: Connection, league_id: int) -> int:
    return conn.execute(select(func.count()).select_from(prediction_league_members).where(
        prediction_league_members.c.prediction_league_id == league_id)).scalar_one()


def list_for(conn: Connection, user: User) -> list[dict[str, Any]]:
    member_of = select(prediction_league_members.c.prediction_league_id).where(
        prediction_league_members.c.user_id == user.id)
    rows = conn.execute(select(prediction_leagues).where(prediction_leagues.c.id.in_(member_of))
                        .order_by(prediction_leagues.c.id)).mappings().all()
    return [dict(r) for r in rows]


def join(conn: Connection, user: User, invite_code: str) -> int:
    league_id = conn.execute(select(prediction_leagues.c.id).where(
        prediction_leagues.c.invite_code == invite_code.strip().upper())).scalar()
    if league_id is None:
        raise NotFound("no prediction league with this invite code")
    try:
        with conn.begin_nested():
            conn.execute(insert(prediction_league_members).values(prediction_league_id=league_id, user_id=user.id,
                                                                  joined_at=utcnow()))
    except IntegrityError:
        raise BadRequest("already a member of this prediction league") from None
    return league_id


def remove_member(conn: Connection, acc: Access, user_id: int, by: User) -> None:
    """A member leaves (``user_id`` is ``by``), or the owner removes someone; the owner cannot leave."""
    if user_id != by.id:
        acc.require_owner()
    if user_id == acc.league["owner_id"]:
        raise Conflict("the owner cannot leave their prediction league; delete it instead")
    gone = conn.execute(delete(prediction_league_members).where(
        prediction_league_members.c.prediction_league_id == acc.league["id"],
        prediction_league_members.c.user_id == user_id)).rowcount
    if not gone:
        raise NotFound(f"user {user_id} is not a member")


def set_reminder(conn: Connection, acc: Access, minutes: int | None) -> None:
    """The owner sets how long before a round's first kick-off members are reminded (None: the server's)."""
    acc.require_owner()
    conn.execute(update(prediction_leagues).where(prediction_leagues.c.id == acc.league["id"])
                 .values(reminder_minutes=minutes))


def rotate_code(conn: Connection, acc: Access) -> str:
    acc.require_owner()
    code = new_invite_code()
    conn.execute(update(prediction_leagues).where(prediction_leagues.c.id == acc.league["id"])
                 .values(invite_code=code))
    return code


def delete_league(conn: Connection, acc: Access) -> None:
    acc.require_owner()
    conn.execute(delete(prediction_leagues).where(prediction_leagues.c.id == acc.league["id"]))


def members(conn: Connection, league_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(users.c.id, users.c.username, prediction_league_members.c.joined_at)
                        .join(users, users.c.id == prediction_league_members.c.user_id)
                        .where(prediction_league_members.c.prediction_league_id == league_id)
                        .order_by(prediction_league_members.c.joined_at, users.c.id)).all()
    return [{"user_id": r.id, "username": r.username, "joined_at": r.joined_at} for r in rows]
