"""Live sources: anything that returns snapshots of matches in canonical form when polled.

A source names each match it covers by its own key (a provider's fixture id). The scheduler first asks which
matches it covers (``poll(None)``), then only for the matches its polling policy says are due, judged by the
source's clock (``now()``: real time for a provider, simulated time in the demo and in replays).

``ScriptedSource`` plays match scripts (domain.match_clock) against a clock that may run faster than real time;
the simulator's live mode and historical replays are both scripted sources, and plug into the scheduler exactly
as a real provider will.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from matchday.domain.match_clock import MatchScript
from matchday.domain.records import Finish, MatchRecord


class LiveSource(Protocol):
    name: str
    interval_s: float  # real seconds between the scheduler's looks at what is due

    def now(self) -> datetime:
        """The source's current time (naive UTC)."""
        ...

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        """Snapshots of the matches ``keys`` (None: every match the source covers now), by key."""
        ...


@dataclass
class SimulatedClock:
    """Simulated time: ``start`` at the first reading (when the server's first poll runs), then ``speed`` times
    faster than the monotonic clock."""

    start: datetime
    speed: float
    now_fn: Callable[[], float] = time.monotonic
    _origin: float | None = None

    def now(self) -> datetime:
        if self._origin is None:
            self._origin = self.now_fn()
        return self.start + timedelta(seconds=(self.now_fn() - self._origin) * self.speed)


class ScriptedSource:
    def __init__(self, name: str, scripts: Sequence[MatchScript], clock: SimulatedClock,
                 interval_s: float = 1.0) -> None:
        self.name = name
        self.scripts = list(scripts)
        self.clock = clock
        self.interval_s = interval_s

    def now(self) -> datetime:
        return self.clock.now()

    def poll(self, keys: Collection[str] | None) -> dict[str, MatchRecord]:
        now = self.clock.now()
        return {str(i): s.snapshot((now - s.base.kickoff_utc).total_seconds()) for i, s in enumerate(self.scripts)
                if keys is None or str(i) in keys}

    @property
    def finished(self) -> bool:
        now = self.clock.now()
        return all((now - s.base.kickoff_utc).total_seconds() >= s.duration_minutes * 60 for s in self.scripts)


def script_for(record: MatchRecord, kickoff: datetime | None = None) -> MatchScript:
    """A script from a finished match with timed events (stoppage time long enough for every event)."""
    first = max([e.added_minute or 0 for e in record.events if (e.minute or 0) == 45] + [2])
    second = max([e.added_minute or 0 for e in record.events if (e.minute or 0) == 90] + [4])
    extra = record.finish in (Finish.AET, Finish.PENALTIES) or record.home_goals_et is not None
    penalties = (record.home_penalties, record.away_penalties) if record.home_penalties is not None else None
    base = replace(record, kickoff_utc=kickoff or record.kickoff_utc)
    return MatchScript(base=base, events=tuple(sorted(record.events, key=lambda e: (e.minute or 0,
                                                                                 e.added_minute or 0))),
                       added_first_half=first, added_second_half=second, extra_time=extra, penalties=penalties,
                       shootout=record.finish is Finish.PENALTIES)
