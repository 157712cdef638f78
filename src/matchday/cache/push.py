"""Scaled out, a cache hit with no round trip at all: writers push the write log's position to every API process
through the broker (``cache.write_position``), and each process applies it when it arrives. No writer waits.

A process (a *reader*) that receives a position beyond what it has applied marks itself *pending* at once, in the
event loop, so no hit is served from its mirror until it has read the log (invalidating what the write touched, in
Redis too). While a reader is *trusted* (subscribed, nothing pending, nothing on its way through the subscription,
its event loop not stalled) a hit is served from an in-process mirror of the shared Redis cache without asking
anything; the mirror is emptied whenever the log position this process has applied moves. Otherwise hits take the
checked path (``ResponseCache.lookup``: the announced position from Redis with the entry, one round trip).

Why that is exact for a client: an announcement is published before the writer returns, so it reaches this host
before any request the writer's client sends after seeing the write; a hit first looks (locally, no round trip)
whether anything is on its way through the subscription (``live.broker.RedisBroker.has_unread``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

import anyio
import structlog

from matchday.cache.backends import MemoryCache
from matchday.cache.write_position import WRITE_POSITION
from matchday.threads import run_to_end


class ResponseCache(Protocol):
    """What the pushed positions need of the API's response cache (``api.caching.ResponseCache``)."""

    backend: Any  # the shared RedisCache
    recheck_s: float

    @property
    def seen(self) -> int: ...

    @property
    def read_at(self) -> float: ...

    async def read_log(self) -> None: ...

log = structlog.get_logger(__name__)

BEAT_S = 0.5
TRUST_S = 1.5  # a reader trusts its mirror only while its event loop ticked this recently (not frozen, not stalled)


class PushedPositions:
    def __init__(self, cache: ResponseCache, mirror_bytes: int = 64 * 1024 * 1024) -> None:
        self.cache = cache
        # threads of its own for resetting the shared cache: a thread pool saturated by requests must not hold it up
        # (the cache's log reads have a thread of their own too)
        self._limiter = anyio.CapacityLimiter(2)
        self.mirror = MemoryCache(max_bytes=mirror_bytes)
        self._mirror_seen = -1  # the log position the mirror's entries are valid at
        self._generation = 0  # moves on every emptying of the mirror: a fill that raced one is not kept
        self._pending = 0
        self._subscribed = False
        self._rechecking = False
        self._last_beat = float("-inf")
        self._task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()
        self.unread: Callable[[], bool] = lambda: True  # the broker's look at its subscription (live.broker)

    # -- the hit path ------------------------------------------------------------------------------------------
    def trusted(self) -> bool:
        """Nothing pending, nothing unread on the subscription (an announcement that arrived but was not yet
        handled), and an event loop that is not stalled."""
        return self._subscribed and not self._pending and time.monotonic() - self._last_beat < TRUST_S \
            and not self.unread()

    async def lookup(self, key: str) -> bytes | None:
        """The entry for a trusted reader: the mirror, else the shared cache (kept in the mirror)."""
        if self.cache.seen != self._mirror_seen:  # the log moved (here or on an endpoint's own look)
            self._empty_mirror()
        entry = self.mirror.get(key)
        if entry is not None:
            return entry
        generation = self._generation
        entry, ttl_ms = await self.cache.backend.get_with_ttl(key)  # type: ignore[attr-defined]
        if entry is not None and ttl_ms >= 1000 and generation == self._generation and self.trusted():
            self.mirror.set(key, entry, int(ttl_ms // 1000), [], 0)
        return entry

    def _empty_mirror(self) -> None:
        self._generation += 1
        self._mirror_seen = self.cache.seen
        self.mirror.reset(0)

    def _distrust(self) -> None:
        self._subscribed = False
        self._empty_mirror()

    # -- the broker --------------------------------------------------------------------------------------------
    def on_feed(self, message: dict[str, Any]) -> None:
        if message.get("type") != WRITE_POSITION or message["data"]["position"] <= self.cache.seen:
            return
        self._pending += 1  # before anything else runs: no hit is served unchecked from here on
        self._empty_mirror()
        self._spawn(self._apply())

    def on_disconnect(self) -> None:
        """The subscription is gone: pushes may be missed from now on."""
        self._distrust()

    def on_reconnect(self) -> None:
        """Pushes published while the subscription was down are lost, and a restarted Redis may have brought
        back entries whose deletion it lost: the shared cache starts over and the log is read again."""
        self._distrust()
        self._spawn(self._resync(reset=True))

    async def _apply(self) -> None:
        try:
            await self.cache.read_log()
            self._empty_mirror()
        except Exception as exc:  # noqa: BLE001 - distrusted until a resync succeeds (the heartbeat retries)
            log.warning("write position not applied", error=repr(exc))
            self._distrust()
        finally:
            self._pending -= 1

    async def _resync(self, reset: bool = False) -> None:
        try:
            if reset:
                await run_to_end(self.cache.backend.reset, self.cache.seen, limiter=self._limiter)
            await self.cache.read_log()
            self._empty_mirror()
            self._subscribed = True
        except Exception as exc:  # noqa: BLE001 - the next heartbeat tries again
            log.warning("cache resynchronisation failed", error=repr(exc))

    async def _recheck(self) -> None:
        """The backstop for a write nobody announced (its writer died after the commit, or has no Redis): the
        log is read in the background every ``MATCHDAY_CACHE_RECHECK_S``; hits never wait for it. Its failure
        (the database away) leaves the trust as it is: the writes that matter are announced through Redis."""
        try:
            await self.cache.read_log()
        except Exception as exc:  # noqa: BLE001
            log.warning("cache recheck failed", error=repr(exc))
        finally:
            self._rechecking = False

    # -- the heartbeat: the event loop's own pulse ---------------------------------------------------------------
    async def start(self) -> None:
        self._last_beat = time.monotonic()
        await self._resync()
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT_S)
            if time.monotonic() - self._last_beat > TRUST_S:  # frozen or stalled: pushes may have queued unread
                self._empty_mirror()
            self._last_beat = time.monotonic()
            if not self._subscribed:
                await self._resync()
            if not self._rechecking and time.monotonic() - self.cache.read_at >= self.cache.recheck_s:
                self._rechecking = True
                self._spawn(self._recheck())

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
