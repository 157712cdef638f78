"""Web Push on the change stream: the live feed's kick-offs, goals, red cards and final scores go to the browsers
of the users who follow one of the match's teams or its league and chose that kind of event.

A subscriber of the ``feed`` stream with its own cursor (``feed:push``): a pass holds its lease in the store, so
two processes (API processes, Celery workers, the CLI) never push one event twice; each event's notification
carries one tag, so a delivery repeated after a crash replaces the browser's notification instead of adding one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import Engine

from matchday.accounts import notifications
from matchday.domain.notifications import notification_for
from matchday.ingest.publish import Subscriber
from matchday.notify.push import PushResult, PushSender
from matchday.store import outbox

log = structlog.get_logger(__name__)
NAME = "feed:push"
MAX_AGE_S = outbox.FEED_READER_BACKLOG_S  # an event older than this (the subscriber was down) is old news


def _age_s(message: dict[str, Any], now: datetime) -> float:
    try:
        stamp = datetime.fromisoformat(message["timestamp"])
    except (KeyError, TypeError, ValueError):
        return 0.0
    return (now - (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))).total_seconds()


def push_subscriber(users: Engine, sender: PushSender) -> Subscriber:
    def deliver(batch: list[dict[str, Any]]) -> None:
        now = datetime.now(UTC)
        total = PushResult()
        for message in batch:
            note = notification_for(message["type"], message.get("data") or {}, message.get("id"))
            if note is None or _age_s(message, now) > MAX_AGE_S:
                continue
            with users.connect() as conn:
                targets = notifications.recipients(conn, message.get("channels") or (), note.kind)
            if targets:
                total += sender.send(targets, note)
        if total.sent or total.expired or total.failed:
            log.info("pushed", sent=total.sent, expired=total.expired, failed=total.failed)

    return Subscriber(NAME, "feed", deliver)
