"""Snapshots for late joiners, read once for every client that subscribed to a channel before the read began.

A subscriber's live frames are held from the moment it subscribes until its snapshot arrives; frames the
snapshot already contains (feed id <= its position) are then dropped, the rest sent. So a snapshot read that
began *after* a client subscribed is a correct snapshot for that client, however many others share it. When
thousands of clients connect at once (a stadium's worth after a restart), each public channel is read once per
batch of subscribers instead of once per client: one database read and one thread hop, and the frame is
serialised once and offered to all of them. A client subscribing while a read is already running waits for
the next one, never for a read that may have missed frames it did not hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio


@dataclass
class SnapshotReads:
    """Per channel, the read the next subscribers share: not started yet, so everyone waiting is covered."""

    _next: dict[str, asyncio.Future[tuple[int, str]]] = field(default_factory=dict)

    async def frame(self, channel: str, read: Callable[[], tuple[int, str]]) -> tuple[int, str]:
        """(feed position, the snapshot frame) of ``channel``, from a read that begins after this call;
        ``read`` (blocking, run in a worker thread) gives them. Raises what ``read`` raises."""
        future = self._next.get(channel)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._next[channel] = future
            asyncio.get_running_loop().create_task(self._run(channel, future, read))
        return await asyncio.shield(future)

    async def _run(self, channel: str, future: asyncio.Future[tuple[int, str]],
                   read: Callable[[], tuple[int, str]]) -> None:
        del self._next[channel]  # from here on a new subscriber waits for the next read
        try:
            future.set_result(await anyio.to_thread.run_sync(read))
        except Exception as exc:  # noqa: BLE001 - each waiting client gets the failure (NOT_FOUND ...)
            future.set_exception(exc)
        if not future.done():
            future.cancel()
        # a failure nobody waited for (every waiter gone) is not "never retrieved"
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
