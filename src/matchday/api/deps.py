"""Per-request context: a read connection, the cache synced with the write log, paging parameters.

No `from __future__ import annotations` here: FastAPI must see the real Query types of the paging closure.
"""


from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Connection
from starlette.responses import Response

from matchday.api.caching import ResponseCache


@dataclass
class Context:
    conn: Connection
    version: int
    cache: ResponseCache
    request: Request

    def cached(self, tags: list[str], build: Callable[[], BaseModel],
               kind: str | Callable[[BaseModel], str] = "default") -> Response:
        return self.cache.respond(self.request, self.version, tags, build, kind)


def context(request: Request) -> Iterator[Context]:
    with request.app.state.read_engine.connect() as conn:
        version = request.app.state.cache.sync(conn)
        yield Context(conn, version, request.app.state.cache, request)


Ctx = Annotated[Context, Depends(context)]


def paging(default: int, maximum: int) -> Callable[..., tuple[int, int]]:
    def _paging(limit: Annotated[int, Query(ge=1, le=maximum, description=f"Page size (max {maximum}).")] = default,
                offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
                ) -> tuple[int, int]:
        return limit, offset

    return _paging
