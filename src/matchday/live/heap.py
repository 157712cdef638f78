"""Short garbage-collector pauses in a server process that holds thousands of long-lived WebSocket connections.

CPython's full collection walks every tracked object: with 10,000 connections (about 90 objects each) that is
a second or more during which no client gets anything. The steward keeps the long-lived majority out of those
walks: ten times a second it looks at how many objects have settled in the oldest generation since the last look;
past ``batch`` it collects (a pass over those objects only, the frozen ones are not visited) and freezes what
survived (``gc.freeze``), so later passes never visit them again. Freezing what a collection just kept is
safe as long as frozen objects die by reference counting, which a closed connection does (no reference cycle
is left behind: ``live.ws``, ``live.hub``). For whatever else dies in a cycle after it was frozen, the frozen
set is walked once more (``gc.unfreeze`` then a full pass) when it has grown by half since the last such walk
and the process holds few connections again, so that walk is short; never more than once per ``rescan_s``.
The young generations keep CPython's thresholds: a raised first threshold (10,000 was tried) lets the middle
generation fill with a connect burst's survivors, and its passes took 50-140 ms each.

Only processes that serve (``matchday serve``, ``demo``, ``replay``) turn it on (``enable``): it changes the
collector for the whole process, which a test run or a library user must not get behind their back.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from contextlib import suppress

_enabled = False


def enable() -> None:
    """Mark this process as a server: ``HeapSteward.start`` then manages the collector (``serve`` calls it)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    return _enabled


class HeapSteward:
    """Freezes what survives, a batch at a time; ``clients`` counts the connections held now."""

    def __init__(self, clients: Callable[[], int], batch: int = 10_000, check_s: float = 0.1,
                 rescan_s: float = 3600.0) -> None:
        self.clients = clients
        self.batch = batch
        self.check_s = check_s
        self.rescan_s = rescan_s
        self._task: asyncio.Task | None = None
        self._frozen_at_rescan = 0
        self._peak_clients = 0
        self._last_rescan = time.monotonic()

    def start(self) -> None:
        """Collect and freeze what start-up built, then look once every ``check_s`` (only when ``enable``d)."""
        if not _enabled:
            return
        gc.collect()
        gc.freeze()
        self._frozen_at_rescan = gc.get_freeze_count()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.check_s)
            self.look()

    def look(self) -> str | None:
        """One look: "freeze", "rescan" or None (nothing to do)."""
        clients = self.clients()
        self._peak_clients = max(self._peak_clients, clients)
        # gc.get_freeze_count walks the frozen set: asked only when a rescan is otherwise due
        if (time.monotonic() - self._last_rescan >= self.rescan_s and clients <= self._peak_clients // 10
                and gc.get_freeze_count() > self._frozen_at_rescan * 1.5):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._frozen_at_rescan = gc.get_freeze_count()
            self._peak_clients = clients
            self._last_rescan = time.monotonic()
            return "rescan"
        if len(gc.get_objects(generation=2)) < self.batch:
            return None
        gc.collect()
        gc.freeze()
        return "freeze"
