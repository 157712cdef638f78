"""The WebSocket hub: channels → connections, per-client backlogs, broadcast that never waits for one client.

Each frame is serialised once per channel, and encoded once as WebSocket bytes, and offered to every subscriber.
A client that is keeping up gets those bytes written straight to its socket, inside the broadcast loop, with no
task switch (``http_server.WRITE_TEXT_FRAME``; under a server without it, ``send_eagerly``). Only a
client whose socket cannot take more right now gets a writer task and a bounded backlog; a client whose backlog
is full has fallen too far behind: it is closed with a reason, and nobody else waits for it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Coroutine
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

from matchday.http_server import WRITE_TEXT_FRAME, text_frame
from matchday.live.snapshot_reads import SnapshotReads

SLOW_CONSUMER = 4008
GOING_AWAY = 1001
SERVICE_RESTART = 1012


def send_eagerly(coro: Coroutine[Any, Any, None]) -> asyncio.Task | None:
    """Run ``coro`` now, up to its first suspension; return a task finishing it only if it had to wait.

    Writing a frame to a socket that has buffer room never suspends, so the common case costs no task and no
    loop iteration: 10,000 subscribers are served in one pass. This is Python 3.12's eager task start, written
    out for 3.11. Exceptions from the synchronous part propagate to the caller.
    """
    try:
        waiting = coro.send(None)
    except StopIteration:
        return None
    except BaseException:
        coro.close()
        raise
    return asyncio.get_running_loop().create_task(_resume(coro, waiting))


async def _resume(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive a hand-stepped coroutine to the end, the way a task would."""
    try:
        while True:
            if waiting is None:
                await asyncio.sleep(0)  # a bare yield: give the loop one turn
            else:
                await asyncio.wait([waiting])  # the coroutine reads the outcome itself when resumed
            try:
                waiting = coro.send(None)
            except StopIteration:
                return
    finally:
        coro.close()


class Client:
    def __init__(self, websocket: WebSocket, queue_size: int, queue_bytes: int = 1 << 20) -> None:
        self.websocket = websocket
        self.queue_size = queue_size
        self.queue_bytes = queue_bytes
        self.backlog: deque[str] = deque()  # frames waiting while a send is in flight
        self.backlog_bytes = 0
        self.waiting_since: float | None = None  # when the send in flight started waiting for the socket
        self.channels: set[str] = set()
        self.held: dict[str, list[tuple[int, str]]] = {}  # channel → frames waiting for its snapshot
        self.closing: tuple[int, str] | None = None
        self.writer: asyncio.Task | None = None  # alive only while a send waits for the socket
        self.last_seen = time.monotonic()  # last message from the client
        self.user_id: int | None = None  # set once the connection authenticates (private channels)
        # the server's direct write of an encoded frame (matchday's uvicorn protocol), None under other servers
        self.write_frame = (websocket.scope.get("extensions") or {}).get(WRITE_TEXT_FRAME)

    def offer(self, frame: str, wire: bytes | None = None) -> bool:
        """Send now if the socket takes it, else queue behind the send in flight; False if not delivered.
        ``wire`` is ``frame`` already encoded by ``text_frame`` (once for all the clients of a broadcast)."""
        if self.closing:
            return False
        if self.writer is None and self.write_frame is not None:
            try:
                if self.write_frame(text_frame(frame) if wire is None else wire):
                    return True
            except Exception:  # noqa: BLE001 - as a failed send below: never stop a broadcast to the others
                return False
        if self.writer is not None:
            if len(self.backlog) >= self.queue_size or self.backlog_bytes + len(frame) > self.queue_bytes:
                self.close_later(SLOW_CONSUMER, "slow consumer: too many undelivered messages")
                return False
            self.backlog.append(frame)
            self.backlog_bytes += len(frame)
            return True
        try:
            pending = send_eagerly(self.websocket.send_text(frame))
        except Exception:  # noqa: BLE001 - the peer went away; the reader notices and cleans up
            return False
        if pending is not None:
            self.waiting_since = time.monotonic()
            self.writer = asyncio.get_running_loop().create_task(self._write_backlog(pending))
        return True

    def stalled_for(self, now: float) -> float:
        """Seconds the socket has taken nothing while a frame waits (0 when nothing waits)."""
        return now - self.waiting_since if self.waiting_since is not None and self.writer is not None else 0.0

    async def _write_backlog(self, pending: asyncio.Task) -> None:
        try:
            await pending
            while self.backlog:
                self.waiting_since = time.monotonic()
                frame = self.backlog.popleft()
                self.backlog_bytes -= len(frame)
                await self.websocket.send_text(frame)
        except Exception:  # noqa: BLE001 - the peer went away; stop offering, the reader cleans up
            self.backlog.clear()
            self.backlog_bytes = 0
            self.closing = self.closing or (GOING_AWAY, "connection lost")
            return
        finally:
            if not pending.done():
                pending.cancel()
                # its outcome (cancelled, or the peer gone) is nobody's business any more: never "unretrieved"
                pending.add_done_callback(lambda task: task.cancelled() or task.exception())
        self.writer = None
        self.waiting_since = None
        if self.closing:
            await self._close_now()

    def close_later(self, code: int, reason: str) -> None:
        """Close after what is already queued (or at once when the client is too far behind to wait for)."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        loop = asyncio.get_running_loop()
        if self.writer is None:
            self.writer = loop.create_task(self._close_now())
        elif code == SLOW_CONSUMER:
            self.backlog.clear()
            self.backlog_bytes = 0
            self.writer.cancel()
            self.writer = loop.create_task(self._close_now())

    async def _close_now(self) -> None:
        # a timer, not wait_for: wait_for's inner task would keep the peer-gone exception, whose traceback holds
        # wait_for's frame, which holds the task: a reference cycle per connection for the garbage collector
        with suppress(Exception):
            async with asyncio.timeout(5):
                await self.websocket.close(*self.closing)


class Hub:
    def __init__(self, queue_size: int = 256, queue_bytes: int = 1 << 20) -> None:
        self.queue_size = queue_size
        self.queue_bytes = queue_bytes
        self.clients: set[Client] = set()
        self.by_channel: dict[str, set[Client]] = defaultdict(set)
        self.clients_gauge: Any = None  # a prometheus Gauge of connected clients, when the server exports one
        self.snapshot_reads = SnapshotReads()  # public channels: one read per batch of new subscribers

    def add(self, websocket: WebSocket) -> Client:
        client = Client(websocket, self.queue_size, self.queue_bytes)
        self.clients.add(client)
        if self.clients_gauge is not None:
            self.clients_gauge.inc()
        return client

    async def remove(self, client: Client) -> None:
        for channel in client.channels:
            self.by_channel[channel].discard(client)
            if not self.by_channel[channel]:
                del self.by_channel[channel]
        if client in self.clients:
            self.clients.discard(client)
            if self.clients_gauge is not None:
                self.clients_gauge.dec()
        if client.websocket.client_state is WebSocketState.DISCONNECTED and client.writer is None:
            client.closing = client.closing or (GOING_AWAY, "closing")  # the peer closed: nothing left to close
        else:
            client.close_later(GOING_AWAY, "closing")
        if client.writer is not None:
            with suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(client.writer, timeout=2)

    def subscribe(self, client: Client, channel: str, hold: bool) -> None:
        client.channels.add(channel)
        self.by_channel[channel].add(client)
        if hold:
            client.held[channel] = []

    def release(self, client: Client, channel: str, after_id: int) -> None:
        """Send what arrived while the snapshot was being read, minus what the snapshot already contains."""
        for feed_id, frame in client.held.pop(channel, []):
            if feed_id > after_id:
                client.offer(frame)

    def unsubscribe(self, client: Client, channel: str) -> None:
        client.channels.discard(channel)
        client.held.pop(channel, None)
        subscribers = self.by_channel.get(channel)
        if subscribers is not None:
            subscribers.discard(client)
            if not subscribers:
                del self.by_channel[channel]

    def resync_all(self) -> None:
        """The feed lost messages (the broker was away): every client is told to reconnect, and resubscribing
        gives it a fresh snapshot of each channel."""
        frame = frame_json("reconnect", None, {"reason": "live feed interrupted: resubscribe for a fresh snapshot"})
        wire = text_frame(frame)
        for client in tuple(self.clients):
            client.offer(frame, wire)
            client.close_later(SERVICE_RESTART, "live feed interrupted: reconnect")

    def dispatch(self, message: dict[str, Any]) -> int:
        """Route one feed message to every subscriber of its channels; returns the frames offered."""
        offered = 0
        for channel in message["channels"]:
            subscribers = self.by_channel.get(channel)
            if not subscribers:
                continue
            frame = frame_json(message["type"], channel, message["data"], message.get("id"),
                               message.get("timestamp"))
            wire = text_frame(frame)
            for client in tuple(subscribers):
                held = client.held.get(channel)
                if held is not None:
                    held.append((message.get("id") or 0, frame))
                elif client.offer(frame, wire):
                    offered += 1
        return offered


def frame_json(kind: str, channel: str | None, data: Any, feed_id: int | None = None,
               timestamp: str | None = None) -> str:
    body: dict[str, Any] = {"type": kind, "channel": channel,
                            "timestamp": timestamp or datetime.now(UTC).isoformat(), "data": data}
    if feed_id is not None:
        body["id"] = feed_id
    return json.dumps(body, separators=(",", ":"), default=str)
