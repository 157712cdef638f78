"""Admin API keys: 256-bit random tokens; only their SHA-256 is stored (a slow hash adds nothing for random keys
and would cost every admin request), with a short prefix to tell keys apart. Shown once, at creation."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, insert, select, update

from matchday.store.match_writes import utcnow
from matchday.store.schema import admin_api_keys

KEY_PREFIX = "mdk_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(engine: Engine, name: str) -> tuple[int, str]:
    """A new key: (its id, the key itself, to show once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        key_id = conn.execute(insert(admin_api_keys).returning(admin_api_keys.c.id), {
            "name": name, "key_hash": _hash(key), "prefix": key[:12], "created_at": utcnow()}).scalar_one()
    return key_id, key


def verify(engine: Engine, key: str) -> dict | None:
    """The key's row when it is a valid, unrevoked admin key (its last use stamped), else None."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    digest = _hash(key)
    with engine.begin() as conn:
        row = conn.execute(select(admin_api_keys).where(admin_api_keys.c.key_hash == digest)).mappings().first()
        if row is None or row["revoked_at"] is not None or not secrets.compare_digest(row["key_hash"], digest):
            return None
        conn.execute(update(admin_api_keys).where(admin_api_keys.c.id == row["id"]).values(last_used_at=utcnow()))
    return dict(row)


def listed(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(admin_api_keys.c.id, admin_api_keys.c.name, admin_api_keys.c.prefix,
                                   admin_api_keys.c.created_at, admin_api_keys.c.last_used_at,
                                   admin_api_keys.c.revoked_at).order_by(admin_api_keys.c.id)).mappings().all()
    return [dict(r) for r in rows]


def revoke(engine: Engine, key_id: int) -> bool:
    with engine.begin() as conn:
        return conn.execute(update(admin_api_keys).where(admin_api_keys.c.id == key_id,
                                                         admin_api_keys.c.revoked_at.is_(None))
                            .values(revoked_at=utcnow())).rowcount == 1
