"""Cached JSON responses: TTL by kind, ETag/304, Cache-Control, invalidated by the store's write log."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import Connection, Engine
from starlette.requests import Request
from starlette.responses import Response

from matchday.cache import MemoryCache, RedisCache, TaggedCache
from matchday.store import invalidation

TTL_S = {"live": 30, "today": 300, "past": 3600, "default": 60}


class ResponseCache:
    def __init__(self, backend: TaggedCache, engine: Engine) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        with engine.connect() as conn:
            self._seen = invalidation.latest_id(conn)
        # a shared cache may hold answers computed before writes this process never saw: start clean
        backend.reset(self._seen)

    @classmethod
    def create(cls, redis_url: str | None, engine: Engine) -> ResponseCache:
        return cls(RedisCache(redis_url) if redis_url else MemoryCache(), engine)

    def sync(self, conn: Connection) -> int:
        """Apply the writes logged since the last look; returns the log position the caller's reads are at."""
        latest = invalidation.latest_id(conn)
        if latest > self._seen:
            with self._lock:
                if latest > self._seen:
                    last, tags = invalidation.since(conn, self._seen)
                    self.backend.invalidate(tags, last)
                    self._seen = last
        return latest

    def invalidate_now(self, tags: set[str], version: int) -> None:
        """For writers in this process: drop the tags at once (the log catches other processes up)."""
        self.backend.invalidate(tags, version)

    def respond(self, request: Request, version: int, tags: list[str], build: Callable[[], BaseModel],
                kind: str | Callable[[BaseModel], str] = "default") -> Response:
        key = request.url.path + ("?" + str(request.query_params) if request.query_params else "")
        body = self.backend.get(key)
        status = "hit"
        if body is None:
            status = "miss"
            model = build()
            chosen = kind(model) if callable(kind) else kind
            ttl = TTL_S[chosen]
            payload = model.model_dump_json().encode()
            body = f"{ttl:>5}".encode() + payload
            self.backend.set(key, body, ttl, tags, version)
        ttl, payload = int(body[:5]), body[5:]
        etag = '"' + hashlib.blake2b(payload, digest_size=12).hexdigest() + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={ttl}", "X-Cache": status}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(payload, media_type="application/json", headers=headers)
