"""Scaled out, a cache hit with no round trip at all: writers push the write log's position to every API process
through the broker, and a write is complete only once every live API process has applied it.

Each API process (a *reader*) registers in Redis with a heartbeat (``READERS``: id → alive until) and records the
log position it has applied (``APPLIED``). A writer, after its commit, publishes ``write_position`` on the feed
channel and waits until every live reader has applied it (``store.write_position.announce``). A reader that
receives it marks itself *pending* at once, in the event loop, reads the log (invalidating what the write
touched, in Redis too), and acknowledges. So an answer given after a write completed, by any process, reflects it.

While a reader is *trusted* (subscribed, nothing pending, its own heartbeat fresh) a hit is served from an
in-process mirror of the shared Redis cache without asking anything; the mirror is emptied by every write. When
not trusted (a broker reconnect, a stalled event loop, a pending write, fenced by a writer that stopped waiting
for it) hits take the checked path (``ResponseCache.lookup``: the announced position from Redis with the entry).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import structlog

from matchday.cache import MemoryCache
from matchday.store.write_position import APPLIED, BEAT, READERS, TTL_S, WRITE_POSITION

if TYPE_CHECKING:
    from matchday.api.caching import ResponseCache

log = structlog.get_logger(__name__)

BEAT_S = 0.5
TRUST_S = 1.5  # a reader trusts its mirror only while its last heartbeat is this recent (< TTL_S)


class PushedPositions:
    def __init__(self, cache: ResponseCache, redis_url: str, mirror_bytes: int = 64 * 1024 * 1024) -> None:
        import redis.asyncio

        self.cache = cache
        self.id = uuid.uuid4().hex
        self._redis = redis.asyncio.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self._beat_script = self._redis.register_script(BEAT)
        self.mirror = MemoryCache(max_bytes=mirror_bytes)
        self._generation = 0  # moves on every emptying of the mirror: a fill that raced one is not kept
        self._pending = 0
        self._subscribed = False
        self._last_beat = float("-inf")
        self._task: asyncio.Task | None = None
        self._tasks: set[asyncio.Task] = set()

    # -- the hit path ------------------------------------------------------------------------------------------
    def trusted(self) -> bool:
        return self._subscribed and not self._pending and time.monotonic() - self._last_beat < TRUST_S

    async def lookup(self, key: str) -> bytes | None:
        """The entry for a trusted reader: the mirror, else the shared cache (kept in the mirror)."""
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
        self.mirror.reset(0)

    # -- the broker --------------------------------------------------------------------------------------------
    def on_feed(self, message: dict[str, Any]) -> None:
        if message.get("type") != WRITE_POSITION:
            return
        self._pending += 1  # before anything else runs: no hit is served unchecked from here on
        self._empty_mirror()
        self._spawn(self._apply())

    def on_reconnect(self) -> None:
        """Messages published while the subscription was down are lost: distrust until the log is read again."""
        self._subscribed = False
        self._empty_mirror()
        self._spawn(self._resync())

    async def _apply(self) -> None:
        try:
            await self.cache.read_log()
            self._empty_mirror()
            await self._acknowledge()
        except Exception as exc:  # noqa: BLE001 - the writer waits, then fences this reader; hits stay checked
            log.warning("write position not applied", error=repr(exc))
        finally:
            self._pending -= 1

    async def _resync(self) -> None:
        try:
            await self.cache.read_log()
            await self._acknowledge()
            self._subscribed = True
        except Exception as exc:  # noqa: BLE001 - the next heartbeat tries again
            log.warning("cache resynchronisation failed", error=repr(exc))

    async def _recheck(self) -> None:
        """The backstop for a write nobody announced (its writer died after the commit, or has no Redis): the
        log is read in the background every ``MATCHDAY_CACHE_RECHECK_S``; hits never wait for it. Its failure
        (the database away) leaves the trust as it is: the writes that matter are announced through Redis."""
        seen = self.cache.seen
        try:
            await self.cache.read_log()
        except Exception as exc:  # noqa: BLE001 - the database is away: no write can commit, trust stands
            log.warning("cache recheck failed", error=repr(exc))
        if self.cache.seen != seen:
            self._empty_mirror()

    async def _acknowledge(self) -> None:
        await self._redis.hset(APPLIED, self.id, self.cache.seen)

    # -- the heartbeat -----------------------------------------------------------------------------------------
    async def start(self) -> None:
        await self._resync()
        await self._register("nx")
        self._last_beat = time.monotonic()
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT_S)
            try:
                # only while registered: a writer that stopped waiting for this reader removed it (fenced)
                if not await self._register("xx"):
                    log.warning("cache reader fenced by a writer; resynchronising", reader=self.id)
                    self._subscribed = False
                    self._empty_mirror()
                    await self._resync()
                    await self._register("nx")
                elif not self._subscribed:
                    await self._resync()
                self._last_beat = time.monotonic()
            except Exception as exc:  # noqa: BLE001 - not trusted until a heartbeat succeeds again
                log.warning("cache heartbeat failed", error=repr(exc))
                continue
            if self._subscribed and time.monotonic() - self.cache.read_at >= self.cache.recheck_s:
                await self._recheck()

    async def _register(self, mode: str) -> bool:
        return bool(await self._beat_script(keys=[READERS], args=[self.id, mode, TTL_S]))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._tasks):
            task.cancel()
        with suppress(Exception):
            await self._redis.zrem(READERS, self.id)
            await self._redis.hdel(APPLIED, self.id)
        await self._redis.aclose()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
