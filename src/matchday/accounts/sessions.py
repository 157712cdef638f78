"""Sessions as refresh-token families: login opens one, each refresh rotates its token, reuse of a rotated
token revokes the whole family, logout and revocation close it (its access tokens stop working at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from matchday.accounts import tokens
from matchday.accounts.schema import user_sessions, users
from matchday.accounts.users import User, get, utcnow
from matchday.errors import Forbidden, NotFound, Unauthorized


class TokenReused(Unauthorized):
    """A rotated refresh token came back: its whole family must be revoked (in a transaction that commits)."""

    def __init__(self, session_id: str) -> None:
        super().__init__("refresh token already used: the session is revoked; sign in again")
        self.session_id = session_id


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    session_id: str


@dataclass(frozen=True)
class Lifetimes:
    secret: str
    access: timedelta
    session: timedelta


def _pair(life: Lifetimes, user_id: int, session_id: str, jti: str) -> TokenPair:
    access, _ = tokens.issue(life.secret, "access", user_id, session_id, life.access)
    refresh, _ = tokens.issue(life.secret, "refresh", user_id, session_id, life.session, jti=jti)
    return TokenPair(access, refresh, session_id)


def open_session(conn: Connection, life: Lifetimes, user: User, user_agent: str | None = None,
                 client_address: str | None = None) -> TokenPair:
    session_id, jti, now = str(uuid.uuid4()), str(uuid.uuid4()), utcnow()
    conn.execute(insert(user_sessions).values(
        id=session_id, user_id=user.id, current_jti=jti, created_at=now, last_used_at=now,
        expires_at=now + life.session, user_agent=(user_agent or "")[:300], client_address=client_address))
    return _pair(life, user.id, session_id, jti)


def refresh(conn: Connection, life: Lifetimes, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair. A token already exchanged raises TokenReused: the caller
    revokes the family (``revoke``) in its own committed transaction."""
    claims = tokens.decode(life.secret, refresh_token, "refresh")
    row = conn.execute(select(user_sessions).where(user_sessions.c.id == claims.session_id)).mappings().first()
    if row is None or row["user_id"] != claims.user_id:
        raise Unauthorized("unknown session")
    if row["revoked_at"] is not None or row["expires_at"] <= utcnow():
        raise Unauthorized("session ended; sign in again")
    if row["current_jti"] != claims.jti:
        raise TokenReused(claims.session_id)
    get_active(conn, claims.user_id)
    jti = str(uuid.uuid4())
    done = conn.execute(update(user_sessions).where(user_sessions.c.id == claims.session_id,
                                                    user_sessions.c.current_jti == claims.jti)
                        .values(current_jti=jti, last_used_at=utcnow()))
    if done.rowcount != 1:  # a concurrent refresh with the same token won: that is reuse too
        raise TokenReused(claims.session_id)
    return _pair(life, claims.user_id, claims.session_id, jti)


def revoke(conn: Connection, session_id: str, reason: str) -> None:
    conn.execute(update(user_sessions).where(user_sessions.c.id == session_id, user_sessions.c.revoked_at.is_(None))
                 .values(revoked_at=utcnow(), revoked_reason=reason))


def revoke_others(conn: Connection, user_id: int, keep_session_id: str | None, reason: str) -> int:
    query = update(user_sessions).where(user_sessions.c.user_id == user_id, user_sessions.c.revoked_at.is_(None))
    if keep_session_id:
        query = query.where(user_sessions.c.id != keep_session_id)
    return conn.execute(query.values(revoked_at=utcnow(), revoked_reason=reason)).rowcount


def revoke_own(conn: Connection, user_id: int, session_id: str) -> None:
    owner = conn.execute(select(user_sessions.c.user_id).where(user_sessions.c.id == session_id)).scalar()
    if owner != user_id:
        raise NotFound(f"no session {session_id}")
    revoke(conn, session_id, "revoked by its user")


def list_sessions(conn: Connection, user_id: int, current_session_id: str | None) -> list[dict[str, Any]]:
    rows = conn.execute(select(user_sessions).where(user_sessions.c.user_id == user_id,
                                                    user_sessions.c.revoked_at.is_(None),
                                                    user_sessions.c.expires_at > utcnow())
                        .order_by(user_sessions.c.last_used_at.desc())).mappings().all()
    return [{"id": r["id"], "created_at": r["created_at"], "last_used_at": r["last_used_at"],
             "expires_at": r["expires_at"], "user_agent": r["user_agent"], "client_address": r["client_address"],
             "current": r["id"] == current_session_id} for r in rows]


def get_active(conn: Connection, user_id: int) -> User:
    user = get(conn, user_id)
    if not user.is_active:
        raise Forbidden("this account is deactivated")
    return user


def authenticate_token(conn: Connection, secret: str, token: str, kind: str = "access") -> tuple[User, str]:
    """The user and session of a valid, unrevoked token (access for the API, web for the pages' cookie)."""
    claims = tokens.decode(secret, token, kind)
    row = conn.execute(select(user_sessions.c.revoked_at, user_sessions.c.expires_at, users.c.is_active)
                       .join(users, users.c.id == user_sessions.c.user_id)
                       .where(user_sessions.c.id == claims.session_id, user_sessions.c.user_id == claims.user_id)
                       ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        raise Unauthorized("session ended; sign in again")
    if not row.is_active:
        raise Forbidden("this account is deactivated")
    return get(conn, claims.user_id), claims.session_id
