"""A match's ground truth (its script) and its state at any moment of play. Pure.

Live sources that re-play matches (the simulator's live mode, historical replays) describe each match as a
script (kick-off, goals and cards at their minutes, stoppage time, extra time, shoot-out) and ask the clock for
the snapshot at a given elapsed time. Periods: first half, 15 minutes' break, second half; where the match went
to extra time, a 5 minutes' break and two halves of 15; then penalties.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from matchday.domain.live_stats import has_card_events, stats_at
from matchday.domain.records import (
    EventType,
    Finish,
    MatchEventRecord,
    MatchRecord,
    MatchStatus,
    Period,
    Side,
)

HALF_TIME_BREAK = 15
EXTRA_TIME_BREAK = 5
SHOOTOUT_MINUTES = 10
GOAL_TYPES = frozenset({EventType.GOAL, EventType.PENALTY_GOAL, EventType.OWN_GOAL})


@dataclass(frozen=True, slots=True)
class MatchScript:
    """Everything that will happen in a match. ``base`` holds identity (teams, competition, kick-off)."""

    base: MatchRecord
    events: tuple[MatchEventRecord, ...]
    added_first_half: int = 2
    added_second_half: int = 4
    extra_time: bool = False
    penalties: tuple[int, int] | None = None  # shoot-out result, where known
    shootout: bool = False  # a shoot-out took place (also when a source names only its winner)

    @property
    def has_shootout(self) -> bool:
        return self.shootout or self.penalties is not None

    def _segments(self) -> list[tuple[Period, int, int, int]]:
        """(period, first match minute, length in minutes incl. stoppage, elapsed minutes at its start)."""
        segments = []
        elapsed = 0
        plan = [(Period.FIRST_HALF, 1, 45 + self.added_first_half), (Period.HALFTIME, 45, HALF_TIME_BREAK),
                (Period.SECOND_HALF, 46, 45 + self.added_second_half)]
        if self.extra_time:
            plan += [(Period.HALFTIME, 90, EXTRA_TIME_BREAK), (Period.EXTRA_TIME, 91, 15), (Period.EXTRA_TIME, 106, 15)]
        if self.has_shootout:
            plan.append((Period.PENALTIES, 120, SHOOTOUT_MINUTES))
        for period, first_minute, length in plan:
            segments.append((period, first_minute, length, elapsed))
            elapsed += length
        return segments

    @property
    def duration_minutes(self) -> int:
        _period, _first, length, start = self._segments()[-1]
        return start + length

    def elapsed_at(self, minute: int, added: int | None) -> int:
        """Elapsed playing-clock minutes when the match clock shows ``minute`` (+``added``)."""
        for period, first, _length, start in self._segments():
            if period in (Period.HALFTIME, Period.PENALTIES):
                continue
            regular_end = {Period.FIRST_HALF: 45, Period.SECOND_HALF: 90}.get(period, first + 14)
            if first <= minute <= regular_end:
                return start + (minute - first) + (added or 0) + 1
        return self.duration_minutes

    def snapshot(self, elapsed_seconds: float) -> MatchRecord:
        """The match as a live source would report it ``elapsed_seconds`` after kick-off (negative: not yet)."""
        if elapsed_seconds < 0:
            return replace(self.base, status=MatchStatus.SCHEDULED, home_goals=None, away_goals=None,
                           home_goals_ht=None, away_goals_ht=None, events=(), period=None, minute=None, finish=None,
                           home_penalties=None, away_penalties=None, home_goals_et=None, away_goals_et=None,
                           stats=(), shots=(), player_stats=())
        elapsed = elapsed_seconds / 60
        happened = tuple(e for e in self.events if self.elapsed_at(e.minute or 0, e.added_minute) <= elapsed)
        home = sum(1 for e in happened if e.type in GOAL_TYPES and e.side is Side.HOME)
        away = sum(1 for e in happened if e.type in GOAL_TYPES and e.side is Side.AWAY)
        first_half = [e for e in happened if e.type in GOAL_TYPES and (e.minute or 0) <= 45]
        ht = (sum(e.side is Side.HOME for e in first_half), sum(e.side is Side.AWAY for e in first_half))
        if elapsed >= self.duration_minutes:
            finish = Finish.PENALTIES if self.has_shootout else Finish.AET if self.extra_time else Finish.REGULAR
            return replace(self.base, status=MatchStatus.FINISHED, period=None, minute=None, home_goals=home,
                           away_goals=away, home_goals_ht=ht[0], away_goals_ht=ht[1], events=happened,
                           finish=finish, home_goals_et=home if self.extra_time else None,
                           away_goals_et=away if self.extra_time else None,
                           home_penalties=self.penalties[0] if self.penalties else None,
                           away_penalties=self.penalties[1] if self.penalties else None)
        for period, first, length, start in self._segments():
            if start <= elapsed < start + length:
                minute = first if period in (Period.HALFTIME, Period.PENALTIES) else first + int(elapsed - start)
                status = MatchStatus.HALFTIME if period is Period.HALFTIME else MatchStatus.LIVE
                # only what has happened by now: no extra-time or shoot-out result, statistics so far
                played = min(minute, 120 if self.extra_time else 90) / (120 if self.extra_time else 90)
                return replace(self.base, status=status, period=period, minute=minute, home_goals=home,
                               away_goals=away, home_goals_ht=ht[0] if start >= 45 else None,
                               away_goals_ht=ht[1] if start >= 45 else None, events=happened, finish=None,
                               home_goals_et=None, away_goals_et=None, home_penalties=None, away_penalties=None,
                               stats=stats_at(self.base.stats, happened, played, has_card_events(self.events)),
                               shots=tuple(s for s in self.base.shots if (s.minute or 0) <= minute),
                               player_stats=())
        raise AssertionError("elapsed time outside every segment")
