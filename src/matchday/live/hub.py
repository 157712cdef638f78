"""The WebSocket hub: channels → connections, bounded per-client queues, broadcast without awaiting sends.

Each frame is serialised once per channel and offered to every subscriber's queue with ``put_nowait``; a writer
task per connection drains its own queue. A client whose queue is full has fallen too far behind: it is closed
with a reason, and nobody else waits for it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket

SLOW_CONSUMER = 4008
GOING_AWAY = 1001


class Client:
    def __init__(self, websocket: WebSocket, queue_size: int) -> None:
        self.websocket = websocket
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=queue_size)
        self.channels: set[str] = set()
        self.held: dict[str, list[tuple[int, str]]] = {}  # channel → frames waiting for its snapshot
        self.closing: tuple[int, str] | None = None
        self.writer: asyncio.Task | None = None
        self.last_seen = time.monotonic()  # last message from the client

    def offer(self, frame: str) -> bool:
        if self.closing:
            return False
        try:
            self.queue.put_nowait(frame)
            return True
        except asyncio.QueueFull:
            self.close_later(SLOW_CONSUMER, "slow consumer: too many undelivered messages")
            return False

    def close_later(self, code: int, reason: str) -> None:
        if self.closing is None:
            self.closing = (code, reason)
            with suppress(asyncio.QueueFull):
                self.queue.put_nowait(None)
            if self.queue.full() and self.writer:
                self.writer.cancel()  # no room even for the close marker: stop writing now
                asyncio.get_running_loop().create_task(self._close_now())

    async def _close_now(self) -> None:
        with suppress(Exception):
            await self.websocket.close(*self.closing)

    async def write_loop(self) -> None:
        try:
            while True:
                frame = await self.queue.get()
                if frame is None:
                    break
                await self.websocket.send_text(frame)
        except Exception:  # noqa: BLE001 - the peer went away; the reader notices and cleans up
            return
        if self.closing:
            with suppress(Exception):
                await self.websocket.close(*self.closing)


class Hub:
    def __init__(self, queue_size: int = 256) -> None:
        self.queue_size = queue_size
        self.clients: set[Client] = set()
        self.by_channel: dict[str, set[Client]] = defaultdict(set)

    def add(self, websocket: WebSocket) -> Client:
        client = Client(websocket, self.queue_size)
        client.writer = asyncio.get_running_loop().create_task(client.write_loop())
        self.clients.add(client)
        return client

    async def remove(self, client: Client) -> None:
        for channel in client.channels:
            self.by_channel[channel].discard(client)
            if not self.by_channel[channel]:
                del self.by_channel[channel]
        self.clients.discard(client)
        if client.writer and not client.writer.done():
            client.close_later(GOING_AWAY, "closing")
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

    def dispatch(self, message: dict[str, Any]) -> int:
        """Route one feed message to every subscriber of its channels; returns the frames offered."""
        offered = 0
        for channel in message["channels"]:
            subscribers = self.by_channel.get(channel)
            if not subscribers:
                continue
            frame = frame_json(message["type"], channel, message["data"], message.get("id"),
                               message.get("timestamp"))
            for client in tuple(subscribers):
                held = client.held.get(channel)
                if held is not None:
                    held.append((message.get("id") or 0, frame))
                elif client.offer(frame):
                    offered += 1
        return offered


def frame_json(kind: str, channel: str | None, data: Any, feed_id: int | None = None,
               timestamp: str | None = None) -> str:
    body: dict[str, Any] = {"type": kind, "channel": channel,
                            "timestamp": timestamp or datetime.now(UTC).isoformat(), "data": data}
    if feed_id is not None:
        body["id"] = feed_id
    return json.dumps(body, separators=(",", ":"), default=str)
