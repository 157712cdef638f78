"""Short garbage-collector pauses in a server process that holds thousands of long-lived WebSocket connections.

CPython's full collection walks every tracked object: with 10,000 connections (about 90 objects each) that is
a second or more during which no client gets anything. The steward keeps the long-lived majority out of those
walks: whatever survives a full collection is frozen right after it (``gc.freeze`` from ``gc.callbacks``, which
costs nothing), so the next full collection walks only what settled since; and full collections come often, so
what each walks stays small: after every ``full_every`` middle-generation passes instead of CPython's 10, and a
middle-generation pass after every ``MIDDLE_EVERY`` young ones instead of CPython's 10. Each object is still
walked once per generation before it is frozen, so the collector's total work stays the same; it comes in
smaller pieces (10,000 WebSocket clients: 77 full collections a round of up to 47 ms of CPU with 10 young
passes per middle one, ~180 of up to ~38 ms and mostly 10-25 ms with 3; ``benchmarks/live.py``).
Freezing what a full collection just kept is safe as long as frozen objects die by reference counting, which
a closed connection does (no reference cycle is left behind: ``live.ws``, ``live.hub``). For whatever else dies
in a cycle after it was frozen, the frozen set is walked once more (``gc.unfreeze`` then a full pass) when it
has grown by half since the last such walk and the process holds few connections again, so that walk is short;
never more than once per ``rescan_s``.

Tried and dropped: full collections every 2 middle-generation passes (25-40 ms of CPU at a connect burst's
start), a collection and freeze of our own every 10,000 settled objects (it walked the young
generations too: 40-75 ms per pass), and a raised first threshold (10,000: the middle generation filled with a
connect burst's survivors, 50-140 ms per pass).

Only processes that serve (``matchday serve``, ``demo``, ``replay``) turn it on (``enable``): it changes the
collector for the whole process, which a test run or a library user must not get behind their back.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

_enabled = False
MIDDLE_EVERY = 3  # young-generation passes per middle-generation pass (CPython: 10)


def enable() -> None:
    """Mark this process as a server: ``HeapSteward.start`` then manages the collector (``serve`` calls it)."""
    global _enabled
    _enabled = True


def enabled() -> bool:
    return _enabled


class HeapSteward:
    """Freezes what each full collection keeps; ``clients`` counts the connections held now."""

    def __init__(self, clients: Callable[[], int], full_every: int = 1, check_s: float = 1.0,
                 rescan_s: float = 3600.0) -> None:
        self.clients = clients
        self.full_every = full_every
        self.check_s = check_s
        self.rescan_s = rescan_s
        self._task: asyncio.Task | None = None
        self._threshold: tuple[int, int, int] | None = None
        self._rescanning = False
        self._frozen_at_rescan = 0
        self._peak_clients = 0
        self._last_rescan = time.monotonic()

    def start(self) -> None:
        """Collect and freeze what start-up built, then freeze after each full collection (only when
        ``enable``d)."""
        if not _enabled:
            return
        self.manage()
        self._task = asyncio.get_running_loop().create_task(self._run())

    def manage(self) -> None:
        """The collector's settings and hook (``start`` without the rescan task)."""
        gc.collect()
        gc.freeze()
        self._frozen_at_rescan = gc.get_freeze_count()
        self._threshold = gc.get_threshold()
        gc.set_threshold(self._threshold[0], MIDDLE_EVERY, self.full_every)
        gc.callbacks.append(self._after_collection)

    def release(self) -> None:
        """CPython's settings back, nothing frozen any more."""
        if self._threshold is not None:
            with suppress(ValueError):
                gc.callbacks.remove(self._after_collection)
            gc.set_threshold(*self._threshold)
            self._threshold = None
            gc.unfreeze()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.release()

    def _after_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2 and not self._rescanning:
            gc.freeze()  # what survived a full collection: kept out of the next ones

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.check_s)
            self.look()

    def look(self) -> bool:
        """Walk the frozen set again if it is due and short now; whether it was."""
        clients = self.clients()
        self._peak_clients = max(self._peak_clients, clients)
        # gc.get_freeze_count walks the frozen set: asked only when a rescan is otherwise due
        if (time.monotonic() - self._last_rescan < self.rescan_s or clients > self._peak_clients // 10
                or gc.get_freeze_count() <= self._frozen_at_rescan * 1.5):
            return False
        self._rescanning = True
        try:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        finally:
            self._rescanning = False
        self._frozen_at_rescan = gc.get_freeze_count()
        self._peak_clients = clients
        self._last_rescan = time.monotonic()
        return True
