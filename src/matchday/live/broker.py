"""Pub/sub for feed events: in-process by default, Redis pub/sub when configured (several server processes).

A message is a dict ``{"id", "type", "channels": [...], "timestamp", "data"}``; subscribers (the WebSocket hub
of each process) receive every message and route it to their clients by channel.
"""

from __future__ import annotations

import asyncio
import json
import select
from collections.abc import Callable
from contextlib import suppress
from typing import Any, Protocol

import structlog

Handler = Callable[[dict[str, Any]], None]
REDIS_CHANNEL = "matchday:feed"
log = structlog.get_logger(__name__)


class Broker(Protocol):
    def subscribe(self, handler: Handler) -> None: ...

    def on_reconnect(self, handler: Callable[[], None]) -> None:
        """``handler`` runs after the connection to the broker was lost and is back (messages may be missed)."""

    def on_disconnect(self, handler: Callable[[], None]) -> None:
        """``handler`` runs as soon as the connection to the broker is found lost."""

    async def publish(self, message: dict[str, Any]) -> None: ...

    def after_publish(self, handler: Handler) -> None:
        """``handler`` sees each message this process published, once it is sent (work only its publisher does,
        such as scoring a final whistle)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class MemoryBroker:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._published: list[Handler] = []

    def after_publish(self, handler: Handler) -> None:
        self._published.append(handler)

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def on_reconnect(self, handler: Callable[[], None]) -> None:
        return None  # in-process: never disconnected

    def on_disconnect(self, handler: Callable[[], None]) -> None:
        return None

    async def publish(self, message: dict[str, Any]) -> None:
        for handler in self._handlers:
            handler(message)
        for handler in self._published:
            handler(message)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisBroker:
    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._url = url
        self._redis = aioredis.Redis.from_url(url, socket_keepalive=True)  # a dead peer is found, eventually
        self._handlers: list[Handler] = []
        self._published: list[Handler] = []
        self._reconnect_handlers: list[Callable[[], None]] = []
        self._disconnect_handlers: list[Callable[[], None]] = []
        self._task: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self._pubsub: Any = None

    def has_unread(self) -> bool:
        """Whether a message may be on its way through this process: in the subscription's socket, in its stream's
        buffer, or taken from the stream but not yet handed to the handlers (the listening task is not parked on
        the stream). A local look, no round trip. A message published before a client's request normally reaches
        this host first, so an answer given while this is False reflects every write announced before the request
        (``cache.push``); a pub/sub segment lost and retransmitted on a slow network can arrive after it, for at
        most that delay. When it cannot tell (not subscribed, an unknown client version) it says True: the caller
        then checks with Redis."""
        try:
            connection = self._pubsub.connection
            reader, writer = connection._reader, connection._writer
            if reader is None or writer is None or reader._buffer or reader._waiter is None:
                return True
            poller = select.poll()  # poll, not select: any descriptor number
            poller.register(writer.get_extra_info("socket").fileno(), select.POLLIN)
            return bool(poller.poll(0))
        except Exception:  # noqa: BLE001 - whatever the client's internals: not known to be drained
            return True

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def on_reconnect(self, handler: Callable[[], None]) -> None:
        self._reconnect_handlers.append(handler)

    def on_disconnect(self, handler: Callable[[], None]) -> None:
        self._disconnect_handlers.append(handler)

    def after_publish(self, handler: Handler) -> None:
        self._published.append(handler)

    async def publish(self, message: dict[str, Any]) -> None:
        await self._redis.publish(REDIS_CHANNEL, json.dumps(message, separators=(",", ":")))
        for handler in self._published:
            handler(message)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _listen(self) -> None:
        """Receive until stopped; when Redis goes away, reconnect with backoff and tell the reconnect handlers
        (what was published meanwhile never arrives: the hub asks its clients to resynchronise)."""
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        lost, delay = False, 0.1
        while True:
            pubsub = self._pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(REDIS_CHANNEL)
                self._ready.set()
                if lost:
                    log.info("redis pub/sub reconnected")
                    for on_reconnect in self._reconnect_handlers:
                        on_reconnect()
                    lost, delay = False, 0.1
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    message = json.loads(item["data"])
                    for handler in self._handlers:
                        handler(message)
            except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
                if not lost:
                    log.warning("redis pub/sub connection lost; reconnecting", error=str(exc))
                    for on_disconnect in self._disconnect_handlers:
                        on_disconnect()
                lost = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                with suppress(Exception):
                    await pubsub.aclose()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()


def make_broker(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else MemoryBroker()
