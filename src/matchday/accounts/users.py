"""Users: registration, credentials, profile, roles. Functions take a Connection; the caller's transaction
commits (the request or the command is the unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from matchday.accounts.passwords import check_strength, hash_password, verify_password
from matchday.accounts.schema import users
from matchday.errors import BadRequest, Forbidden, InvalidInput, NotFound, Unauthorized

WRONG_CREDENTIALS = "wrong username or password"


@dataclass(frozen=True)
class User:
    id: int
    email: str
    username: str
    full_name: str | None
    timezone: str
    language: str
    role: str
    is_active: bool
    is_premium: bool
    created_at: datetime
    email_verified_at: datetime | None = None
    reminders_enabled: bool = True

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "email": self.email, "username": self.username, "full_name": self.full_name,
                "timezone": self.timezone, "language": self.language, "role": self.role,
                "is_active": self.is_active, "is_premium": self.is_premium, "created_at": self.created_at,
                "email_verified": self.email_verified, "reminders_enabled": self.reminders_enabled}


_COLUMNS = [users.c.id, users.c.email, users.c.username, users.c.full_name, users.c.timezone, users.c.language,
            users.c.role, users.c.is_active, users.c.is_premium, users.c.created_at, users.c.email_verified_at,
            users.c.reminders_enabled]


def _user(row: Any) -> User:
    return User(*row)


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def normalized_email(email: str) -> str:
    from email_validator import EmailNotValidError, validate_email  # here: every CLI start imports this module

    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidInput(f"invalid email: {exc}") from None


def check_username(username: str) -> str:
    if not (3 <= len(username) <= 40) or not all(c.isalnum() or c in "_.-" for c in username):
        raise InvalidInput("username: 3 to 40 letters, digits, '_', '.' or '-'")
    return username


def register(conn: Connection, email: str, username: str, password: str, role: str = "user") -> User:
    email = normalized_email(email)
    username = check_username(username)
    check_strength(password, username, email)
    taken = conn.execute(select(users.c.email_key, users.c.username_key).where(
        or_(users.c.email_key == email.lower(), users.c.username_key == username.lower()))).first()
    if taken is not None:
        raise BadRequest("email already registered" if taken[0] == email.lower() else "username already taken")
    try:
        user_id = conn.execute(insert(users).values(
            email=email, email_key=email.lower(), username=username, username_key=username.lower(),
            password_hash=hash_password(password), role=role, is_active=True, is_premium=False,
            created_at=utcnow())).inserted_primary_key[0]
    except IntegrityError:  # a concurrent registration took it between the check and the insert
        raise BadRequest("email or username already taken") from None
    return get(conn, user_id)


def get(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(*_COLUMNS).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user {user_id}")
    return _user(row)


def authenticate(conn: Connection, login: str, password: str) -> User:
    """The user whose username or email is ``login`` and whose password matches; one message otherwise."""
    key = login.strip().lower()
    row = None if "\x00" in key else conn.execute(select(*_COLUMNS, users.c.password_hash).where(  # NUL: no name
        or_(users.c.username_key == key, users.c.email_key == key))).first()
    if not verify_password(password, row.password_hash if row is not None else None):
        raise Unauthorized(WRONG_CREDENTIALS)
    user = _user(row[:-1])
    if not user.is_active:
        raise Forbidden("this account is deactivated")
    return user


def update_profile(conn: Connection, user_id: int, changes: dict[str, Any]) -> User:
    allowed = {k: v for k, v in changes.items() if k in ("full_name", "timezone", "language", "reminders_enabled")}
    if "reminders_enabled" in allowed and not isinstance(allowed["reminders_enabled"], bool):
        raise InvalidInput("reminders_enabled: true or false")
    if "timezone" in allowed and allowed["timezone"] not in time_zones():
        raise InvalidInput(f"timezone: {allowed['timezone']!r} is not an IANA time zone (e.g. Europe/Berlin)")
    if "timezone" in allowed and allowed["timezone"] is None:
        raise InvalidInput("timezone: may not be null")
    if allowed:
        conn.execute(update(users).where(users.c.id == user_id).values(**allowed))
    return get(conn, user_id)


def change_password(conn: Connection, user_id: int, current: str, new: str) -> None:
    row = conn.execute(select(users.c.username, users.c.email, users.c.password_hash)
                       .where(users.c.id == user_id)).one()
    if not verify_password(current, row.password_hash):
        raise Unauthorized("current password is wrong")
    check_strength(new, row.username, row.email)
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=hash_password(new),
                                                                  password_changed_at=utcnow()))


def set_password(conn: Connection, user_id: int, new: str) -> None:
    """A new password without the current one (a used reset link proved the mailbox)."""
    row = conn.execute(select(users.c.username, users.c.email).where(users.c.id == user_id)).one()
    check_strength(new, row.username, row.email)
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=hash_password(new),
                                                                  password_changed_at=utcnow()))


def by_email(conn: Connection, email: str) -> User | None:
    """The account with this email (case-insensitively), or None."""
    key = email.strip().lower()
    if not key or "\x00" in key:
        return None
    row = conn.execute(select(*_COLUMNS).where(users.c.email_key == key)).first()
    return _user(row) if row is not None else None


def mark_verified(conn: Connection, user_id: int, email: str) -> bool:
    """Mark the address verified if it is still the account's (a link sent to an old address verifies nothing)."""
    return conn.execute(update(users).where(users.c.id == user_id, users.c.email_key == email.lower())
                        .values(email_verified_at=utcnow())).rowcount == 1


def set_role(conn: Connection, user_id: int, role: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(role=role))


def account_key(conn: Connection, login: str) -> str:
    """The key a login's failures count on: ``user:<id>`` for the account the username or email names (both
    names of one account are one key), else the login as typed."""
    key = login.strip().lower()
    user_id = None if "\x00" in key else conn.execute(select(users.c.id).where(  # NUL: no name has one
        or_(users.c.username_key == key, users.c.email_key == key))).scalar()
    return f"user:{user_id}" if user_id is not None else f"login:{key[:254]}"
