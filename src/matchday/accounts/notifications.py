"""A user's notifications: which kinds of event they are told of (kick-off, goal, red card, final score) and the
browsers they receive Web Push in (their push subscriptions). SQL of the users store only; sending is
``notify.push``."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, insert, or_, select, update

from matchday.accounts.schema import favorites, notification_settings, push_subscriptions
from matchday.accounts.users import utcnow
from matchday.domain.notifications import DEFAULT_KINDS, KINDS
from matchday.errors import BadRequest, NotFound

MAX_SUBSCRIPTIONS = 20  # browsers per user; the oldest goes when a new one comes


@dataclass(frozen=True)
class PushTarget:
    """One browser to push to: a stored subscription as pywebpush takes it."""

    id: int
    user_id: int
    endpoint: str
    p256dh: str
    auth: str

    def subscription_info(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


# ---- which kinds --------------------------------------------------------------------------------------------------
def kinds_for(conn: Connection, user_id: int) -> list[str]:
    stored = conn.execute(select(notification_settings.c.kinds)
                          .where(notification_settings.c.user_id == user_id)).scalar()
    chosen = set(stored) if stored is not None else DEFAULT_KINDS
    return [k for k in KINDS if k in chosen]


def set_kinds(conn: Connection, user_id: int, kinds: Iterable[str]) -> list[str]:
    """Store the kinds a user is told of (any subset of KINDS, the empty one too); idempotent."""
    chosen = sorted(set(kinds))
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise BadRequest(f"unknown notification kind(s) {', '.join(unknown[:5])}; use {', '.join(KINDS)}")
    values = {"kinds": chosen, "updated_at": utcnow()}
    if conn.execute(update(notification_settings).where(notification_settings.c.user_id == user_id)
                    .values(**values)).rowcount == 0:
        conn.execute(insert(notification_settings).values(user_id=user_id, **values))
    return kinds_for(conn, user_id)


PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


# ---- push subscriptions ------------------------------------------------------------------------------------------
def endpoint_key(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def private_host(host: str) -> bool:
    """A name or address on this machine or its private network: never a push service (the server would be
    POSTing into its own network for whoever subscribed)."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return host == "localhost" or host.endswith(PRIVATE_SUFFIXES)


def check_endpoint(endpoint: str, allow_http: bool) -> str:
    """A push service's endpoint: an https URL on a public host (http and local hosts only where allowed:
    development, a local stand-in)."""
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise BadRequest("endpoint must be the https URL of a push service (PushSubscription.endpoint)")
    if not allow_http and private_host(parts.hostname):
        raise BadRequest("endpoint must be a push service on the internet, not a local or private address")
    return endpoint


def subscribe(conn: Connection, user_id: int, endpoint: str, p256dh: str, auth: str,
              user_agent: str | None = None) -> dict[str, Any]:
    """Store a browser's subscription for ``user_id``; the same endpoint again updates it (a browser that signs in
    as someone else moves to that user). Idempotent."""
    key = endpoint_key(endpoint)
    values = {"user_id": user_id, "endpoint": endpoint, "p256dh": p256dh, "auth": auth,
              "user_agent": (user_agent or "")[:300] or None}
    if conn.execute(update(push_subscriptions).where(push_subscriptions.c.endpoint_key == key)
                    .values(**values)).rowcount == 0:
        conn.execute(insert(push_subscriptions).values(endpoint_key=key, created_at=utcnow(), **values))
    ids = conn.execute(select(push_subscriptions.c.id).where(push_subscriptions.c.user_id == user_id)
                       .order_by(push_subscriptions.c.created_at.desc(), push_subscriptions.c.id.desc())).scalars()
    stale = list(ids)[MAX_SUBSCRIPTIONS:]
    if stale:
        conn.execute(delete(push_subscriptions).where(push_subscriptions.c.id.in_(stale)))
    row = conn.execute(select(push_subscriptions).where(push_subscriptions.c.endpoint_key == key)).one()
    return _out(row)


def _out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "endpoint": row.endpoint, "created_at": row.created_at, "last_sent_at": row.last_sent_at}


def list_for(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(push_subscriptions).where(push_subscriptions.c.user_id == user_id)
                        .order_by(push_subscriptions.c.id))
    return [_out(r) for r in rows]


def remove(conn: Connection, user_id: int, subscription_id: int) -> None:
    if conn.execute(delete(push_subscriptions).where(push_subscriptions.c.id == subscription_id,
                                                     push_subscriptions.c.user_id == user_id)).rowcount != 1:
        raise NotFound(f"no push subscription {subscription_id}")


def targets_of(conn: Connection, user_id: int) -> list[PushTarget]:
    rows = conn.execute(select(push_subscriptions).where(push_subscriptions.c.user_id == user_id)
                        .order_by(push_subscriptions.c.id))
    return [PushTarget(r.id, r.user_id, r.endpoint, r.p256dh, r.auth) for r in rows]


def recipients(conn: Connection, channels: Iterable[str], kind: str) -> list[PushTarget]:
    """The browsers to push an event of ``kind`` on ``channels`` (``team:{id}``, ``league:{id}``) to: those of
    users who follow one of them with notifications on and chose that kind."""
    wanted: dict[str, set[int]] = {"team": set(), "league": set()}
    for channel in channels:
        scope, _, key = channel.partition(":")
        if scope in wanted and key.isdigit():
            wanted[scope].add(int(key))
    clauses = [(favorites.c.entity_type == scope) & favorites.c.entity_id.in_(ids)
               for scope, ids in wanted.items() if ids]
    if not clauses:
        return []
    users = set(conn.execute(select(favorites.c.user_id).where(
        favorites.c.notification_enabled.is_(True), or_(*clauses))).scalars())
    if not users:
        return []
    settings = dict(conn.execute(select(notification_settings.c.user_id, notification_settings.c.kinds)
                                 .where(notification_settings.c.user_id.in_(users))).all())
    told = sorted(u for u in users if kind in settings.get(u, DEFAULT_KINDS))
    if not told:
        return []
    rows = conn.execute(select(push_subscriptions).where(push_subscriptions.c.user_id.in_(told))
                        .order_by(push_subscriptions.c.id))
    return [PushTarget(r.id, r.user_id, r.endpoint, r.p256dh, r.auth) for r in rows]


def expired(conn: Connection, subscription_id: int) -> None:
    """The push service no longer knows this subscription (404/410): forget it."""
    conn.execute(delete(push_subscriptions).where(push_subscriptions.c.id == subscription_id))


def sent(conn: Connection, subscription_ids: Iterable[int]) -> None:
    ids = list(subscription_ids)
    if ids:
        conn.execute(update(push_subscriptions).where(push_subscriptions.c.id.in_(ids))
                     .values(last_sent_at=utcnow()))
