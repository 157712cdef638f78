"""Per-request context: a read connection, the cache synced with the write log, paging parameters.

The connection is opened on first use and returned to the pool as soon as the endpoint has its answer (in
``cached``), inside the endpoint's own worker thread. Releasing it only in the dependency's teardown would need
another worker thread, and under load every worker can be waiting for a connection: a deadlock. The dependency
itself is async: FastAPI runs a sync generator dependency's entry and exit in two more worker-thread hops, which
cost a miss more than some of its queries.

No `from __future__ import annotations` here: FastAPI must see the real Query types of the paging closure.
"""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Connection
from starlette.responses import Response

from matchday.api.caching import ResponseCache


class Context:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.cache: ResponseCache = request.app.state.cache
        self._conn: Connection | None = None
        self.version = 0

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = self.request.app.state.read_engine.connect()
            self.version = self.cache.sync(self._conn)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cached(self, tags: list[str], build: Callable[[], BaseModel],
               kind: str | Callable[[BaseModel], str] = "default",
               true_until: Callable[[], datetime | None] | None = None) -> Response:
        """``ResponseCache.respond`` on this request's connection."""
        try:
            self.conn  # noqa: B018 - opens the connection and syncs the cache before the lookup
            return self.cache.respond(self.request, self.version, tags, build, kind, true_until)
        finally:
            self.close()


async def context(request: Request) -> AsyncIterator[Context]:
    """The request's context; a connection still open at the end (an endpoint that answered without ``cached``)
    goes back to the pool here, in the event loop: a pool return, with no worker thread to wait for."""
    ctx = Context(request)
    request.state.close_resources = ctx.close  # error handlers release it too, without a worker thread
    try:
        yield ctx
    finally:
        ctx.close()


Ctx = Annotated[Context, Depends(context)]


def paging(default: int, maximum: int) -> Callable[..., tuple[int, int]]:
    def _paging(limit: Annotated[int, Query(ge=1, le=maximum, description=f"Page size (max {maximum}).")] = default,
                offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
                ) -> tuple[int, int]:
        return limit, offset

    return _paging
