"""Blocking work in a worker thread that a cancelled task waits for, and reads that concurrent callers share.

``asyncio``'s ``task.cancel()`` does not wait for anyio's worker threads: ``anyio.to_thread.run_sync`` returns at
once and the thread goes on. At a server's shutdown the background tasks (scheduler, live runners, publisher,
scoring) are cancelled and the engine disposed; a thread still running then opens connections on a pool nobody
closes (seen as psycopg's "connection deleted while still open") or writes after the server said it stopped.
Background work therefore runs through ``run_to_end``: a cancellation is delivered once the thread's call has
returned, or after ``CANCELLED_WAIT_S`` at most (a call stuck on a dead peer must not hold a shutdown forever).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TypeVar, TypeVarTuple, Unpack

import anyio
import structlog

T = TypeVar("T")
Args = TypeVarTuple("Args")
CANCELLED_WAIT_S = 15.0  # how long a cancelled task waits for its thread's call to return

log = structlog.get_logger(__name__)


async def run_to_end(fn: Callable[[Unpack[Args]], T], *args: *Args,
                     limiter: anyio.CapacityLimiter | None = None) -> T:
    """``fn(*args)`` in a worker thread; if the calling task is cancelled meanwhile, it is cancelled after the
    call has returned (its result or error is then dropped), or after ``CANCELLED_WAIT_S``."""
    work = asyncio.ensure_future(anyio.to_thread.run_sync(fn, *args, limiter=limiter))
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CANCELLED_WAIT_S
        with anyio.CancelScope(shield=True):  # under an anyio scope: no cancellation redelivered every turn
            while not work.done() and (left := deadline - loop.time()) > 0:
                with suppress(asyncio.CancelledError):
                    await asyncio.wait([work], timeout=left)
        # a failure after the cancellation is not reported as "never retrieved"
        work.add_done_callback(lambda done: done.cancelled() or done.exception())
        if not work.done():
            log.warning("a background call outlived its cancellation", call=getattr(fn, "__qualname__", repr(fn)),
                        waited_s=CANCELLED_WAIT_S)
        raise


class SharedRead:
    """Callers that want a fresh read share one: each is answered by a read that began after it asked.

    While a read runs, those who ask wait; when it ends, the first of them that it does not cover (it asked
    after the read began) starts the next one, which covers everyone waiting. However many ask at once, at
    most two reads run one after the other. A failed read fails everyone it would have covered (they asked
    before it began), so a database that is away costs each waiting caller one failure, not a read each.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._asked = 0  # callers so far
        self._covered = 0  # callers before this number are answered by a finished read
        self._failed: tuple[int, BaseException] | None = None  # the last failed read: (callers it covered, error)

    async def run(self, read: Callable[[], Awaitable[None]]) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # an app served again by another loop (tests): a lock of that loop's own
            self._loop, self._lock = loop, asyncio.Lock()
        mine = self._asked
        self._asked += 1
        async with self._lock:
            if self._covered > mine:
                return
            if self._failed is not None and self._failed[0] > mine:
                raise self._failed[1]
            began = self._asked  # everyone who asked by now is answered by this read
            try:
                await read()
            except Exception as exc:
                self._failed = (began, exc)
                raise
            self._covered = max(self._covered, began)
