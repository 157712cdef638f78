"""Cache hits answered before the app (raw ASGI), and concurrent misses of one cached answer built once."""

from __future__ import annotations

import gzip
import time
from collections import OrderedDict

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from matchday.api.caching import CACHED_PREFIX, ENTRY_HEAD, ResponseCache, cache_key, if_none_match
from matchday.api.observability import Metrics, trace_id
from matchday.api.security import security_headers
from matchday.http_server import WRITE_RESPONSE


class _GzipMemo:
    """Compressed bodies by ETag: a browser asks for gzip on every hit; compressing 5 KB each time costs more
    than the rest of the hit. The ETag names the body, so a memo entry can never be stale. Bounded by entries
    and bytes, least recently used out first."""

    def __init__(self, size: int = 1024, max_bytes: int = 16 * 1024 * 1024) -> None:
        self.size, self.max_bytes, self.size_bytes = size, max_bytes, 0
        self._bodies: OrderedDict[bytes, bytes] = OrderedDict()

    def compress(self, etag: bytes, body: bytes) -> bytes:
        packed = self._bodies.get(etag)
        if packed is None:
            packed = self._bodies[etag] = gzip.compress(body, compresslevel=6)
            self.size_bytes += len(packed)
            while self._bodies and (len(self._bodies) > self.size or self.size_bytes > self.max_bytes):
                self.size_bytes -= len(self._bodies.popitem(last=False)[1])
        else:
            self._bodies.move_to_end(etag)
        return packed


class CacheHits:
    """Answers cached GETs under /api/v1/ directly (raw ASGI messages), before the app's middleware stack.

    ``MatchdayApi`` calls ``serve`` first, so a hit adds itself what the middleware would: the security headers,
    the trace id and the request metrics (``tests/api/test_cache.py`` holds a hit's headers to a miss's). A request
    with an Origin header goes the long way when CORS is configured, so that CORS answers it; the endpoint then
    still serves the cached entry. Anything that goes wrong here (Redis unreachable, say) also goes the long way,
    where it gets the API's error shape. Under ``matchday serve`` the hit is written in one piece
    (``http_server.WRITE_RESPONSE``), else through ``send``.

    Misses of a path the app answered from the cache before (a table a live match just invalidated) are built
    once: while one request builds it, the others of this process wait for that answer (at most ``build_wait_s``)
    and are then served it as hits. Without that, every request arriving during the rebuild rebuilt it too, and
    on SQLite they queued behind each other until they timed out. Nothing stale is served: the waiters read the
    entry the write log allows, as any hit does."""

    def __init__(self, cache: ResponseCache, metrics: Metrics, hsts: bool, cors: bool,
                 gzip_minimum: int = 1024, build_wait_s: float = 10.0) -> None:
        self.cache, self.metrics, self.hsts, self.cors = cache, metrics, hsts, cors
        self.gzip_minimum, self.build_wait_s = gzip_minimum, build_wait_s
        self.gzipped = _GzipMemo()
        self._building: dict[str, anyio.Event] = {}  # path + query -> set when its build has answered
        self._cached_before: OrderedDict[str, None] = OrderedDict()  # paths the app's cache answered, LRU
        self.coalesced = 0  # misses served by another request's build

    async def serve(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Answer from the cache, else through ``app``."""
        key = self._key(scope)
        if key is None:
            await app(scope, receive, send)
            return
        if await self._answer(scope, send, key):
            return
        building = self._building.get(key)
        if building is not None:
            with anyio.move_on_after(self.build_wait_s):
                await building.wait()
            if await self._answer(scope, send, key):
                self.coalesced += 1
                return
            await app(scope, receive, send)
            return
        if key not in self._cached_before:
            await app(scope, receive, send)
            if scope.get("matchday.cache") == "miss":  # the endpoint went through ResponseCache.respond
                self._cached_before[key] = None
                if len(self._cached_before) > 4096:
                    self._cached_before.popitem(last=False)
            return
        self._cached_before.move_to_end(key)
        self._building[key] = done = anyio.Event()
        try:
            await app(scope, receive, send)
        finally:
            del self._building[key]
            done.set()

    def _key(self, scope: Scope) -> str | None:
        """The cache key of a request the cache may answer, else None."""
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(CACHED_PREFIX):
            return None
        if self.cors and any(name == b"origin" for name, _ in scope["headers"]):
            return None
        return cache_key(scope["path"], scope["query_string"].decode("latin-1"))

    async def _answer(self, scope: Scope, send: Send, key: str) -> bool:
        """True when the request was answered from the cache."""
        started = time.perf_counter()
        if_none, encodings, request_id = b"", b"", b""
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none = value
            elif name == b"accept-encoding":
                encodings = value
            elif name == b"x-request-id":
                request_id = value
        try:
            entry = await self.cache.lookup(key)
        except Exception:  # noqa: BLE001 - the full stack answers, with the error shape if it fails there too
            return False
        if entry is None:
            return False
        etag = entry[5:ENTRY_HEAD]
        headers = [(b"etag", etag), (b"cache-control", b"public, max-age=" + entry[:5].strip()),
                   (b"x-cache", b"hit"), *security_headers(scope["path"], scope["scheme"], self.hsts),
                   (b"x-trace-id", trace_id(request_id).encode())]
        status, body = 200, entry[ENTRY_HEAD:]
        if if_none and if_none_match(if_none.decode("latin-1"), etag.decode()):
            status, body = 304, b""
        else:
            if len(body) >= self.gzip_minimum:  # GZipMiddleware varies on these, compressed or not
                headers.append((b"vary", b"Accept-Encoding"))
                if b"gzip" in encodings:
                    body = self.gzipped.compress(etag, body)
                    headers.append((b"content-encoding", b"gzip"))
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        write_whole = scope.get("extensions", {}).get(WRITE_RESPONSE)  # matchday's server: one write
        if write_whole is None or not write_whole(status, headers, body):
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        self.metrics.observe("GET", "(cache hit)", status, "hit", time.perf_counter() - started)
        return True
