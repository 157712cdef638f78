"""Cached JSON responses: TTL by kind, ETag/304, Cache-Control, invalidated by the store's write log.

Two paths share one cache: endpoints fill it (``ResponseCache.respond``), and ``api.cache_hits`` answers
hits before the request reaches FastAPI at all (no routing, no worker thread, no pool checkout), after checking
the write log so that no answer outlives a write. Entries are ``TTL(5) ETAG(26) BODY``.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import anyio
from pydantic import BaseModel
from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response

from matchday.cache import EVERYTHING, MemoryCache, RedisCache, TaggedCache, write_position
from matchday.cache.push import PushedPositions
from matchday.cache.write_position import RECHECK_S
from matchday.store import outbox
from matchday.store.sqlite_watch import SqliteWatch
from matchday.threads import SharedRead, run_to_end

TTL_S = {"live": 30, "today": 300, "past": 3600, "default": 60}
CACHED_PREFIX = "/api/v1/"
ENTRY_HEAD = 5 + 26


def _entry(ttl: int, payload: bytes) -> bytes:
    etag = '"' + hashlib.blake2b(payload, digest_size=12).hexdigest() + '"'
    return f"{ttl:>5}{etag}".encode() + payload


def _headers(entry: bytes, status: str) -> tuple[str, dict[str, str]]:
    etag = entry[5:ENTRY_HEAD].decode()
    return etag, {"ETag": etag, "Cache-Control": f"public, max-age={int(entry[:5])}", "X-Cache": status}


class ResponseCache:
    def __init__(self, backend: TaggedCache, engine: Engine, max_entry_bytes: int = 16 * 1024 * 1024,
                 redis_url: str | None = None, recheck_s: float = RECHECK_S, builders: int = 4) -> None:
        self.backend = backend
        self._builders = threading.BoundedSemaphore(builders)  # misses built at once (MATCHDAY_CACHE_BUILDERS)
        self._builder = threading.local()
        self.engine = engine
        self.recheck_s = recheck_s
        self.log_reads: Callable[[], None] = lambda: None  # counts the hit path's reads of the write log
        self._read_at = 0.0  # when the write log was last read (monotonic)
        self._shared_read = SharedRead()
        self._log_thread: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None
        # with Redis: hits with no round trip while the pushed positions are trusted (cache.push)
        self.push = PushedPositions(self) if redis_url and isinstance(backend, RedisCache) else None
        self.max_entry_bytes = max_entry_bytes  # a bigger answer is served, not stored (Redis included)
        self._lock = threading.Lock()
        with engine.connect() as conn:
            self._seen = outbox.latest_tag_id(conn)
        # a shared cache may hold answers computed before writes this process never saw: start clean
        backend.reset(self._seen)
        self.watch = SqliteWatch.open(engine)  # the process's one watch on a SQLite store file (None elsewhere)
        self._probe = _SqliteProbe(self.watch) if self.watch is not None else None

    @classmethod
    def create(cls, redis_url: str | None, engine: Engine, max_bytes: int = 64 * 1024 * 1024,
               recheck_s: float = RECHECK_S, builders: int = 4) -> ResponseCache:
        return cls(RedisCache(redis_url) if redis_url else MemoryCache(max_bytes=max_bytes), engine, max_bytes // 4,
                   redis_url, recheck_s, builders)

    def sync(self, conn: Connection) -> int:
        """Apply the writes logged since the last look; returns the log position the caller's reads are at."""
        return self._apply(outbox.latest_tag_id(conn), lambda last: outbox.tags_since(conn, last))

    def _apply(self, latest: int, read_since: Callable[[int], tuple[int, set[str]]]) -> int:
        if latest > self._seen:
            with self._lock:
                if latest > self._seen:
                    last, tags = read_since(self._seen)
                    self.backend.invalidate(tags, last)
                    self._seen = last
        return latest

    async def lookup(self, key: str) -> bytes | None:
        """The hit path's read: the entry, after making sure no write since it was stored went unseen.

        With Redis, the write log's position comes with the entry in one round trip (``cache.write_position``),
        and the log itself is read only when the position moved, is unknown, or was last read over
        ``recheck_s`` ago (``MATCHDAY_CACHE_RECHECK_S``). Without Redis, the log's position is read each time:
        on SQLite in the event loop (``PRAGMA data_version``, microseconds), elsewhere in a thread."""
        if not isinstance(self.backend, RedisCache):
            await self.read_log()
            return self.backend.get(key)
        if self.push is not None and self.push.trusted():
            return await self.push.lookup(key)
        # the log position this process had applied *before* the entry was fetched: a read of the log finishing
        # during the round trip moves ``_seen`` past a write whose entries were dropped only after the fetch, and
        # comparing with it then served the entry from before that write (tests/scaleout/test_cache_freshness.py)
        seen = self._seen
        position, entry = await self.backend.get_with_position(key)
        if position is not None and position <= seen and time.monotonic() - self._read_at < self.recheck_s:
            return entry
        await self.read_log()
        if position != self._seen:
            await anyio.to_thread.run_sync(write_position.correct, self.engine, position, self._seen)
        return await self.backend.get_async(key)

    async def aclose(self) -> None:
        if isinstance(self.backend, RedisCache):
            await self.backend.aclose()
        if self.watch is not None:
            self.watch.close()

    @property
    def read_at(self) -> float:
        """When the write log was last read (monotonic seconds)."""
        return self._read_at

    @property
    def seen(self) -> int:
        """The write-log position this process's cache reflects."""
        return self._seen

    async def read_log(self) -> None:
        """Read the write log and apply what it holds since the last look.

        Off SQLite the read is a query in a worker thread, and the hits that arrive while one runs share the
        next one (``_shared_read``): after a write every hit of the process wants the log at once, and 64 of
        them each querying the database made the slowest hits of the moment wait 60-120 ms. The reads have a
        thread of their own (a pool saturated by misses being built must not hold them up)."""
        self._read_at = time.monotonic()
        if self._probe is not None:
            self.log_reads()
            self._apply(self._probe.latest_id(), self._probe.since)
            return
        loop = asyncio.get_running_loop()
        if self._log_thread is None or self._log_thread[0] is not loop:  # a limiter of this loop's own
            self._log_thread = (loop, anyio.CapacityLimiter(1))
        limiter = self._log_thread[1]
        await self._shared_read.run(lambda: run_to_end(self._read_log_in_thread, limiter=limiter))

    def _read_log_in_thread(self) -> None:
        self.log_reads()
        with self.engine.connect() as conn:
            self.sync(conn)

    def respond(self, request: Request, version: int, tags: list[str], build: Callable[[], BaseModel],
                kind: str | Callable[[BaseModel], str] = "default",
                true_until: Callable[[], datetime | None] | None = None) -> Response:
        """The cached answer, else ``build``'s, stored for its kind's TTL, or only until ``true_until()`` (naive
        UTC, asked after ``build``) when that comes first: the moment the answer stops being true with no write
        (a match listed in play turns unconfirmed). An answer with no time left is served, not stored."""
        key = cache_key(request.url.path, request.url.query)
        entry = self.backend.get(key)
        status = "hit"
        if entry is None:
            status = "miss"
            with self._one_of_the_builders():
                model = build()
                ttl = TTL_S[kind(model) if callable(kind) else kind]
                until = true_until() if true_until is not None else None
                if until is not None:
                    ttl = max(0, min(ttl, int((until - datetime.now(UTC).replace(tzinfo=None)).total_seconds())))
                entry = _entry(ttl, model.model_dump_json().encode())
            if ttl > 0 and len(entry) <= self.max_entry_bytes:
                self.backend.set(key, entry, ttl, tags, version)
        request.scope["matchday.cache"] = status
        etag, headers = _headers(entry, status)
        if if_none_match(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        return Response(entry[ENTRY_HEAD:], media_type="application/json", headers=headers)


    @contextmanager
    def _one_of_the_builders(self) -> Iterator[None]:
        """A turn to build (a build inside a build keeps its turn). The requests waiting here sleep, off the
        interpreter lock, instead of slicing it ever thinner with the event loop: with anyio's 40 worker threads
        all building, as-of table misses on SQLite went 3x slower than with 4."""
        if getattr(self._builder, "held", False):
            yield
            return
        with self._builders:
            self._builder.held = True
            try:
                yield
            finally:
                self._builder.held = False


def cache_key(path: str, query: str) -> str:
    return path + ("?" + query if query else "")


_ENTITY_TAG = re.compile(r'\s*(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)')


def if_none_match(header: str, etag: str) -> bool:
    """RFC 9110 §13.1.2 for a GET of a representation that exists: ``*`` matches; otherwise the header is a
    comma-separated list of entity tags, compared weakly (``W/"x"`` matches ``"x"``). A malformed header matches
    nothing (the full answer is sent), and a tag never matches as a substring of something else."""
    header = header.strip()
    if not header:
        return False
    if header == "*":
        return True
    opaque = etag[2:] if etag.startswith("W/") else etag
    position, tags = 0, []
    while position < len(header):
        if header[position] in " \t,":  # empty list elements are allowed (RFC 9110 §5.6.1)
            position += 1
            continue
        found = _ENTITY_TAG.match(header, position)
        if found is None or found.end() == position:
            return False
        tags.append(found.group(1))
        position = found.end()
    return opaque in tags


class _SqliteProbe:
    """Reads the write log through the process's watch connection on the store file (``store.sqlite_watch``)."""

    def __init__(self, watch: SqliteWatch) -> None:
        self._watch = watch
        self._data_version, self._latest = -1, 0

    def latest_id(self) -> int:
        """The write log is read only when the file's ``data_version`` moved, that is when any other connection,
        in any process, committed. (Read before the log, so a commit in between is seen now or on the next
        call.)"""
        version = self._watch.data_version()
        if version != self._data_version:
            self._data_version = version
            self._latest = self._watch.rows(  # the newest id, or where pruning emptied the log to
                "SELECT max(coalesce((SELECT max(id) FROM cache_invalidations), 0), "
                "coalesce((SELECT position FROM outbox_cursors WHERE consumer = ?), 0))",
                (outbox.PRUNED_TAGS,))[0][0]
        return self._latest

    def since(self, last_id: int) -> tuple[int, set[str]]:
        """``store.outbox.tags_since`` on the watch's connection (a reader behind the pruned log flushes all)."""
        rows = self._watch.rows("SELECT id, tag FROM cache_invalidations WHERE id > ?", (last_id,))
        position, tags = max((r[0] for r in rows), default=last_id), {r[1] for r in rows}
        pruned = self._watch.rows("SELECT position FROM outbox_cursors WHERE consumer = ?", (outbox.PRUNED_TAGS,))
        if pruned and last_id < pruned[0][0]:
            return max(position, pruned[0][0]), tags | {EVERYTHING}
        return position, tags
