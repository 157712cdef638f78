"""Single-use links sent by email (password reset, email verification).

The token is 32 random bytes (URL-safe text); the store keeps only its SHA-256, so a copy of the database opens
no account. A token works once (consumed by one compare-and-set UPDATE: two concurrent uses, one wins) and only
until it expires; issuing a new link of a purpose retires the user's unused links of that purpose.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Connection, insert, select, update

from matchday.accounts.schema import account_tokens
from matchday.accounts.users import utcnow
from matchday.errors import BadRequest

PURPOSES = ("reset", "verify")
INVALID = "this link is invalid, already used or expired; ask for a new one"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(conn: Connection, user_id: int, purpose: str, email: str, lifetime: timedelta) -> str:
    """A new token for ``user_id`` (only its hash is stored); earlier unused tokens of the purpose stop working."""
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {PURPOSES}")
    now = utcnow()
    conn.execute(update(account_tokens).where(account_tokens.c.user_id == user_id, account_tokens.c.purpose == purpose,
                                              account_tokens.c.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    conn.execute(insert(account_tokens).values(user_id=user_id, purpose=purpose, token_hash=token_hash(token),
                                               email=email, created_at=now, expires_at=now + lifetime))
    return token


def consume(conn: Connection, token: str, purpose: str) -> tuple[int, str]:
    """Use a token once: (user id, the address it was sent to). BadRequest for an unknown, used or expired one
    (one message for all three)."""
    if not token or len(token) > 200:
        raise BadRequest(INVALID)
    digest, now = token_hash(token), utcnow()
    row = conn.execute(select(account_tokens.c.id, account_tokens.c.user_id, account_tokens.c.email).where(
        account_tokens.c.token_hash == digest, account_tokens.c.purpose == purpose,
        account_tokens.c.used_at.is_(None), account_tokens.c.expires_at > now)).first()
    if row is None:
        raise BadRequest(INVALID)
    won = conn.execute(update(account_tokens).where(account_tokens.c.id == row.id, account_tokens.c.used_at.is_(None))
                       .values(used_at=now)).rowcount
    if won != 1:  # a concurrent use of the same link came first
        raise BadRequest(INVALID)
    return row.user_id, row.email
