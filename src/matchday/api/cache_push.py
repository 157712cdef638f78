"""Scaled out, a cache hit with no round trip at all: writers push the write log's position to every API process
through the broker, and a write is complete only once every live API process has applied it.

Each API process (a *reader*) registers in Redis with a heartbeat (``READERS``: id → alive until) and records the
log position it has applied (``APPLIED``). A writer, after its commit, publishes ``write_position`` on the feed
channel and waits until every live reader has applied it (``store.write_position.announce``). A reader that
receives it marks itself *pending* at once, in the event loop, reads the log (invalidating what the write
touched, in Redis too), and acknowledges. So an answer given after a write completed, by any process, reflects it.

While a reader is *trusted* (subscribed, nothing pending, its own heartbeat fresh) a hit is served from an
in-process mirror of the shared Redis cache without asking anything; the mirror is emptied whenever the log
position this process has applied moves. When not trusted (the broker's connection lost, a stalled event loop,
a pending or failed write, fenced by a writer that stopped waiting for it) hits take the checked path
(``ResponseCache.lookup``: the announced position from Redis with the entry).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import anyio
import structlog

from matchday.cache import MemoryCache
from matchday.store.write_position import ACK, APPLIED, BEAT, READERS, TTL_S, WRITE_POSITION

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
        self._ack_script = self._redis.register_script(ACK)
        # its own threads: a thread pool saturated by requests (or by writers waiting for acknowledgements)
        # must not hold up the log reads that acknowledge
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

    # -- the hit path ------------------------------------------------------------------------------------------
    def trusted(self) -> bool:
        return self._subscribed and not self._pending and time.monotonic() - self._last_beat < TRUST_S

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
        if message.get("type") != WRITE_POSITION:
            return
        if message["data"]["position"] <= self.cache.seen:
            self._spawn(self._acknowledge())  # read already (an endpoint's look): only say so
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
            await self._read_log()
            self._empty_mirror()
            await self._acknowledge()
        except Exception as exc:  # noqa: BLE001 - distrusted until a resync succeeds (the heartbeat retries)
            log.warning("write position not applied", error=repr(exc))
            self._distrust()
        finally:
            self._pending -= 1

    async def _resync(self, reset: bool = False) -> None:
        try:
            if reset:
                await anyio.to_thread.run_sync(self.cache.backend.reset, self.cache.seen, limiter=self._limiter)
            await self._read_log()
            self._empty_mirror()
            await self._acknowledge()
            self._subscribed = True
        except Exception as exc:  # noqa: BLE001 - the next heartbeat tries again
            log.warning("cache resynchronisation failed", error=repr(exc))

    async def _read_log(self) -> None:
        await self.cache.read_log(self._limiter)

    async def _acknowledge(self) -> None:
        await self._ack_script(keys=[APPLIED], args=[self.id, self.cache.seen])  # a Lua max: never backwards

    async def _recheck(self) -> None:
        """The backstop for a write nobody announced (its writer died after the commit, or has no Redis): the
        log is read in the background every ``MATCHDAY_CACHE_RECHECK_S``; hits never wait for it. Its failure
        (the database away) leaves the trust as it is: the writes that matter are announced through Redis."""
        try:
            await self._read_log()
        except Exception as exc:  # noqa: BLE001
            log.warning("cache recheck failed", error=repr(exc))
        finally:
            self._rechecking = False

    # -- the heartbeat -----------------------------------------------------------------------------------------
    async def start(self) -> None:
        # registered before the first acknowledgement: a writer never sees an acknowledgement of a stranger
        sent = time.monotonic()
        await self._register("nx")
        self._last_beat = sent  # trusted from the first answer on, not only after the first heartbeat
        await self._resync()
        self._task = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT_S)
            try:
                sent = time.monotonic()  # the registration runs out TTL_S after Redis ran this, not after the reply
                # only while registered: a writer that stopped waiting for this reader removed it (fenced)
                if not await self._register("xx"):
                    log.warning("cache reader fenced by a writer; resynchronising", reader=self.id)
                    self._distrust()
                    await self._register("nx")
                    await self._resync()
                elif not self._subscribed:
                    await self._resync()
                self._last_beat = sent
            except Exception as exc:  # noqa: BLE001 - not trusted until a heartbeat succeeds again
                log.warning("cache heartbeat failed", error=repr(exc))
                continue
            if not self._rechecking and time.monotonic() - self.cache.read_at >= self.cache.recheck_s:
                self._rechecking = True
                self._spawn(self._recheck())

    async def _register(self, mode: str) -> bool:
        return bool(await self._beat_script(keys=[READERS], args=[self.id, mode, TTL_S]))

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with suppress(Exception):
            await self._redis.zrem(READERS, self.id)
            await self._redis.hdel(APPLIED, self.id)
        await self._redis.aclose()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
