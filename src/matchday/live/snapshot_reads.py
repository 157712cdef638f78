"""Snapshots for late joiners, read once for every client that subscribed to a channel before the read began,
and reused while the store has not changed since.

A subscriber's live frames are held from the moment it subscribes until its snapshot arrives; frames the
snapshot already contains (feed id <= its position) are then dropped, the rest sent. So a snapshot read that
began *after* a client subscribed is a correct snapshot for that client, however many others share it. When
thousands of clients connect at once (a stadium's worth after a restart), each public channel is read once per
batch of subscribers instead of once per client: one database read and one thread hop, and the frame is
serialised once and offered to all of them. A client subscribing while a read is already running waits for
the next one, never for a read that may have missed frames it did not hold.

A finished read is kept for later subscribers while the store shows that nothing was committed since the read
began (``store_version``: on SQLite the file's ``data_version`` from ``store.sqlite_watch``, read in the event
loop in microseconds): what a new read would return is then exactly what was kept, position
included. Without such a version (PostgreSQL) every batch reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

StoreVersion = Callable[[], int]


@dataclass
class SnapshotReads:
    """Per channel, the read the next subscribers share (not started yet, so everyone waiting is covered), and
    the last one while the store is unchanged."""

    store_version: StoreVersion | None = None
    max_kept: int = 1024  # channels kept at once (a commit drops them all anyway)
    _next: dict[str, asyncio.Future[tuple[int, str]]] = field(default_factory=dict)
    _kept: dict[str, tuple[int, tuple[int, str]]] = field(default_factory=dict)  # channel → (version, result)

    async def frame(self, channel: str, read: Callable[[], tuple[int, str]]) -> tuple[int, str]:
        """(feed position, the snapshot frame) of ``channel``, from a read that began after this call or after
        the store's last commit; ``read`` (blocking, run in a worker thread) gives them. Raises what ``read``
        raises."""
        if self._kept:
            kept = self._kept.get(channel)
            if kept is not None:
                if kept[0] == self.store_version():
                    return kept[1]
                self._kept.clear()  # the store changed: nothing kept holds
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
            version = self.store_version() if self.store_version is not None else None  # before the read begins
            result = await anyio.to_thread.run_sync(read)
            future.set_result(result)
            if version is not None:
                if len(self._kept) >= self.max_kept:
                    self._kept.clear()
                self._kept[channel] = (version, result)
        except Exception as exc:  # noqa: BLE001 - each waiting client gets the failure (NOT_FOUND ...)
            future.set_exception(exc)
        if not future.done():
            future.cancel()
        # a failure nobody waited for (every waiter gone) is not "never retrieved"
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
