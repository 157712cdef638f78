"""Web Push delivery (RFC 8030 + RFC 8291 encryption + RFC 8292 VAPID) through pywebpush.

``PushSender.push_to_user(user_id, message)`` is the call other code makes (a reminder, a notice): it pushes
``message`` (a ``domain.notifications.Notification``, a mapping, or anything with ``title``, ``body`` and ``url``)
to every browser the user subscribed. ``notify.reminders.PushReminders`` sends prediction reminders through it. A push
service that answers 404 or 410 has forgotten the subscription: it is deleted. Other failures are logged and
dropped (a notification is news: it is not worth a retry that could push the same event twice to the others).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
import structlog
from pywebpush import WebPushException, webpush
from sqlalchemy import Engine

from matchday.accounts import notifications
from matchday.accounts.notifications import PushTarget
from matchday.notify.vapid import VapidKeys

log = structlog.get_logger(__name__)
EXPIRED = frozenset({404, 410})
MAX_PAYLOAD = 3000  # bytes of JSON; push services take 4096 bytes encrypted


class Message(Protocol):
    title: str
    body: str
    url: str


@dataclass
class PushResult:
    sent: int = 0
    expired: int = 0
    failed: int = 0

    def __iadd__(self, other: PushResult) -> PushResult:
        self.sent, self.expired, self.failed = (self.sent + other.sent, self.expired + other.expired,
                                                self.failed + other.failed)
        return self


def payload_of(message: Message | Mapping[str, Any]) -> bytes:
    """The JSON the service worker shows: title, body, url, and a tag (one per event) when the message has one."""
    get = message.get if isinstance(message, Mapping) else (lambda key, default=None: getattr(message, key, default))
    data = {"title": str(get("title", "matchday"))[:200], "body": str(get("body", ""))[:1000],
            "url": str(get("url", "/") or "/")}
    for key in ("tag", "kind"):
        if get(key):
            data[key] = str(get(key))[:100]
    if not data["url"].startswith("/"):
        data["url"] = "/"  # only this site's pages: a push never opens another origin
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if len(body) > MAX_PAYLOAD:
        raise ValueError(f"push payload of {len(body)} bytes exceeds {MAX_PAYLOAD}")
    return body


def _resolves_private(host: str) -> bool:
    if notifications.private_host(host):
        return True
    try:
        found = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return False  # the POST will fail on its own
    return any(notifications.private_host(str(address[4][0])) for address in found)


class PushSender:
    def __init__(self, users: Engine, keys: VapidKeys, subject: str, timeout_s: float = 10.0,
                 ttl_s: int = 900, allow_private: bool = False) -> None:
        """``allow_private``: push to hosts on this machine or its network too (development: a local stand-in)."""
        self.users, self.keys, self.subject = users, keys, subject
        self.allow_private = allow_private
        self.timeout_s, self.ttl_s = timeout_s, ttl_s
        self.session = requests.Session()
        self.session.max_redirects = 0  # a push service answers; it never sends the server elsewhere

    def close(self) -> None:
        self.session.close()

    def push_to_user(self, user_id: int, message: Message | Mapping[str, Any]) -> PushResult:
        """Push ``message`` to every browser ``user_id`` subscribed."""
        with self.users.connect() as conn:
            targets = notifications.targets_of(conn, user_id)
        return self.send(targets, message)

    def send(self, targets: Iterable[PushTarget], message: Message | Mapping[str, Any]) -> PushResult:
        body = payload_of(message)
        result = PushResult()
        delivered: list[int] = []
        gone: list[int] = []
        for target in targets:
            status = self._post(target, body)
            if status is not None and status < 300:
                delivered.append(target.id)
                result.sent += 1
            elif status in EXPIRED:
                gone.append(target.id)
                result.expired += 1
            else:
                result.failed += 1
        if delivered or gone:
            with self.users.begin() as conn:
                notifications.sent(conn, delivered)
                for subscription_id in gone:
                    notifications.expired(conn, subscription_id)
        return result

    def _post(self, target: PushTarget, body: bytes) -> int | None:
        """The push service's status for one encrypted POST (None: no answer, or a host that resolves into this
        machine's network, whatever its name said when it was subscribed)."""
        if not self.allow_private and _resolves_private(urlsplit(target.endpoint).hostname or ""):
            log.warning("push refused: the endpoint resolves to a private address", subscription=target.id)
            return None
        try:
            response = webpush(target.subscription_info(), data=body.decode(), vapid_private_key=self.keys.signer,
                               vapid_claims={"sub": self.subject}, timeout=self.timeout_s, ttl=self.ttl_s,
                               headers={"Urgency": "high"}, requests_session=self.session)
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status not in EXPIRED:
                log.warning("push refused", subscription=target.id, status=status)
            return status
        except (requests.RequestException, ValueError) as exc:
            log.warning("push failed", subscription=target.id, error=type(exc).__name__)
            return None
        return int(getattr(response, "status_code", 201))
