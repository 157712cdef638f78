"""Favorites: the teams and leagues a user follows; with notifications on, their matches' goals, cards and
status changes reach the user's WebSocket channel ``user:{id}``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from matchday.accounts.schema import favorites
from matchday.accounts.users import utcnow
from matchday.errors import BadRequest, NotFound
from matchday.store import team_queries

ENTITY_TYPES = ("team", "league")


def entity_name(football: Connection, entity_type: str, entity_id: int) -> str:
    """The football store's name for a team or league; NotFound when it has none."""
    if entity_type == "team":
        return team_queries.team(football, entity_id)["name"]
    return team_queries.league_by_id_or_code(football, str(entity_id)).name


def add(conn: Connection, football: Connection, user_id: int, entity_type: str, entity_id: int,
        notification_enabled: bool = True) -> dict[str, Any]:
    if entity_type not in ENTITY_TYPES:
        raise BadRequest(f"entity_type must be team or league, not {entity_type!r}")
    name = entity_name(football, entity_type, entity_id)
    exists = conn.execute(select(favorites.c.id).where(
        favorites.c.user_id == user_id, favorites.c.entity_type == entity_type,
        favorites.c.entity_id == entity_id)).first()
    if exists:
        raise BadRequest(f"{entity_type} {entity_id} is already a favorite")
    try:
        favorite_id = conn.execute(insert(favorites).values(
            user_id=user_id, entity_type=entity_type, entity_id=entity_id, name=name,
            notification_enabled=notification_enabled, added_at=utcnow())).inserted_primary_key[0]
    except IntegrityError:
        raise BadRequest(f"{entity_type} {entity_id} is already a favorite") from None
    return get(conn, user_id, favorite_id)


def _out(row: Any) -> dict[str, Any]:
    key = "team_id" if row.entity_type == "team" else "league_id"
    return {"id": row.id, key: row.entity_id, "name": row.name, "notification_enabled": row.notification_enabled,
            "added_at": row.added_at, "entity_type": row.entity_type}


def get(conn: Connection, user_id: int, favorite_id: int) -> dict[str, Any]:
    row = conn.execute(select(favorites).where(favorites.c.id == favorite_id, favorites.c.user_id == user_id)).first()
    if row is None:
        raise NotFound(f"no favorite {favorite_id}")
    return _out(row)


def list_for(conn: Connection, user_id: int) -> dict[str, list[dict[str, Any]]]:
    rows = conn.execute(select(favorites).where(favorites.c.user_id == user_id)
                        .order_by(favorites.c.added_at, favorites.c.id)).all()
    return {"teams": [_out(r) for r in rows if r.entity_type == "team"],
            "leagues": [_out(r) for r in rows if r.entity_type == "league"]}


def remove(conn: Connection, user_id: int, favorite_id: int) -> None:
    if conn.execute(delete(favorites).where(favorites.c.id == favorite_id,
                                            favorites.c.user_id == user_id)).rowcount != 1:
        raise NotFound(f"no favorite {favorite_id}")


def set_notifications(conn: Connection, user_id: int, favorite_id: int, enabled: bool) -> dict[str, Any]:
    if conn.execute(update(favorites).where(favorites.c.id == favorite_id, favorites.c.user_id == user_id)
                    .values(notification_enabled=enabled)).rowcount != 1:
        raise NotFound(f"no favorite {favorite_id}")
    return get(conn, user_id, favorite_id)


def notified_channels(conn: Connection, user_id: int) -> set[str]:
    """The feed channels (``team:{id}``, ``league:{id}``) whose events this user is notified of."""
    rows = conn.execute(select(favorites.c.entity_type, favorites.c.entity_id).where(
        favorites.c.user_id == user_id, favorites.c.notification_enabled.is_(True)))
    return {f"{kind}:{entity_id}" for kind, entity_id in rows}
