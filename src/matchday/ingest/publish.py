"""The one publish loop of the change stream (DESIGN §13): read what a subscriber has not seen, deliver it, move
its cursor.

Each subscriber has its own cursor in the outbox (``store.outbox``) and reads one stream: ``feed`` (the live
feed's messages, for the broker and so every WebSocket client; Web Push reads them with a cursor of its own) or
``changes`` (change sets: matches and seasons whose results may have moved, for prediction-league scoring). A pass
over a subscriber holds its lease in the store, so across processes (API processes, Celery workers, the CLI) one
delivers at a time, in id order; a threading lock does the same within a process. Delivery is at least once (a
crash between delivering and moving the cursor delivers again), so subscribers are idempotent.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import structlog
from sqlalchemy import Engine

from matchday.store import outbox

log = structlog.get_logger(__name__)
LEASE_S = 30.0


@dataclass(frozen=True)
class Subscriber:
    name: str  # its cursor in the outbox
    stream: Literal["feed", "changes"]
    deliver: Callable[[list[Any]], None]  # a batch, oldest first; raising leaves the cursor where it was


class Publisher:
    def __init__(self, engine: Engine, subscribers: Sequence[Subscriber], lease_s: float = LEASE_S) -> None:
        self.engine = engine
        self.subscribers = list(subscribers)
        self.lease_s = lease_s
        # unique per publisher whatever the host name's length or a container's fixed name and pid
        self.owner = f"{uuid.uuid4().hex}:{os.getpid()}:{socket.gethostname()}"[:120]
        self._locks = {subscriber.name: threading.Lock() for subscriber in self.subscribers}

    def publish_once(self, only: str | None = None) -> int:
        """Deliver everything pending to every subscriber this process may serve now (``only``: to that one);
        returns the rows delivered. Blocking and synchronous: the server runs it in a worker thread, a Celery
        task or the CLI directly. Each subscriber has its own lock: a long scoring pass never holds up the feed."""
        delivered = 0
        for subscriber in self.subscribers:
            if only is not None and subscriber.name != only:
                continue
            with self._locks[subscriber.name]:
                try:
                    delivered += self._drain(subscriber)
                except Exception as exc:  # noqa: BLE001 - the next pass delivers again from the cursor
                    log.warning("delivery failed; retried on the next pass", subscriber=subscriber.name,
                                error=repr(exc))
        return delivered

    def _drain(self, subscriber: Subscriber) -> int:
        position = outbox.claim(self.engine, subscriber.name, self.owner, self.lease_s)
        if position is None:
            return 0  # another process delivers it now (and sees what this one would have)
        delivered = 0
        try:
            while True:
                # small batches: the lease is renewed with every one (``advance``), long before it runs out
                if subscriber.stream == "feed":
                    batch: list[Any] = outbox.pending_feed(self.engine, position, limit=500)
                    last = batch[-1]["id"] if batch else position
                else:
                    batch = outbox.pending_changes(self.engine, position, limit=20)
                    last = batch[-1][0] if batch else position
                if not batch:
                    return delivered
                subscriber.deliver(batch)
                delivered += len(batch)
                position = last
                if not outbox.advance(self.engine, subscriber.name, self.owner, position, self.lease_s):
                    log.warning("outbox lease lost mid-delivery", subscriber=subscriber.name)
                    return delivered
                if subscriber.name == "feed":  # the broker's delivery stamps the rows; other readers keep a cursor
                    outbox.mark_feed_published(self.engine, position)
        finally:
            outbox.release(self.engine, subscriber.name, self.owner)


def results_of(batch: list[tuple[int, dict[str, list[int]]]]) -> tuple[list[int], list[int]]:
    """The matches and seasons whose results a batch of change sets may have moved."""
    matches = sorted({m for _id, results in batch for m in results.get("matches", ())})
    seasons = sorted({s for _id, results in batch for s in results.get("seasons", ())})
    return matches, seasons
