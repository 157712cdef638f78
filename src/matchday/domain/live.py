"""Snapshot diffs → live events. Pure.

A live source may only report scores; comparing the stored state of a match with the new snapshot still yields
the feed: score up → goal (side, minute, scorer when the snapshot names one), new cards, status and period
changes, minute ticks. A snapshot older than what is stored (an earlier period or minute) changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from matchday.domain.changes import FeedEvent
from matchday.domain.records import EventType, MatchEventRecord, MatchRecord, MatchStatus, Period, Side

PERIOD_ORDER = {None: 0, Period.FIRST_HALF: 1, Period.HALFTIME: 2, Period.SECOND_HALF: 3, Period.EXTRA_TIME: 4,
                Period.PENALTIES: 5}
FINAL_STATUSES = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED, MatchStatus.CANCELLED,
                            MatchStatus.ABANDONED})
IN_PLAY = frozenset({MatchStatus.LIVE, MatchStatus.HALFTIME, MatchStatus.SUSPENDED})
GOALS = frozenset({EventType.GOAL, EventType.PENALTY_GOAL, EventType.OWN_GOAL})
CARD_MESSAGES = {EventType.YELLOW: "yellow_card", EventType.SECOND_YELLOW: "red_card", EventType.RED: "red_card"}


@dataclass(frozen=True, slots=True)
class MatchState:
    """What is stored of a match, as far as the live feed is concerned."""

    status: MatchStatus
    period: Period | None = None
    minute: int | None = None
    home_goals: int | None = None
    away_goals: int | None = None
    events: tuple[MatchEventRecord, ...] = ()

    @classmethod
    def of(cls, record: MatchRecord) -> MatchState:
        return cls(record.status, record.period, record.minute, record.home_goals, record.away_goals, record.events)

    @property
    def progress(self) -> tuple[int, float, int]:
        if self.status in FINAL_STATUSES:
            return (2, 0, 0)
        if self.status is MatchStatus.SCHEDULED:
            return (0, 0, 0)
        rank: float = PERIOD_ORDER[self.period]
        if self.period is Period.HALFTIME and (self.minute or 0) >= 90:
            rank = 3.5  # the break before extra time comes after the second half
        return (1, rank, self.minute or 0)


def is_stale(before: MatchState | None, after: MatchState) -> bool:
    return before is not None and after.progress < before.progress


def _score(state: MatchState) -> dict[str, int | None]:
    return {"home": state.home_goals, "away": state.away_goals}


def _event_data(event: MatchEventRecord) -> dict[str, Any]:
    return {"side": event.side.value, "minute": event.minute, "added_minute": event.added_minute,
            "player": event.player_name, "detail": event.type.value}


def derive_events(before: MatchState | None, after: MatchState) -> list[FeedEvent]:
    """The feed events that take a match from ``before`` (None: never seen) to ``after``, in order."""
    if is_stale(before, after):
        return []
    before = before or MatchState(MatchStatus.SCHEDULED)
    out: list[FeedEvent] = []
    status_changed = (before.status, before.period) != (after.status, after.period)
    # a kick-off is told before the goals of the same snapshot (at the score before them); every other status
    # change after them, at the new score: a client that listens only to match_status still sees each result
    kicked_off = status_changed and before.status is MatchStatus.SCHEDULED and after.status in IN_PLAY
    status_score = ({"home": before.home_goals or 0, "away": before.away_goals or 0} if kicked_off
                    else _score(after))
    status_event = FeedEvent("match_status", {"status": after.status.value,
                                              "period": after.period.value if after.period else None,
                                              "previous_status": before.status.value, "minute": after.minute,
                                              "score": status_score})
    if kicked_off:
        out.append(status_event)
    seen = list(before.events)
    new_events = []
    for event in after.events:
        if event in seen:
            seen.remove(event)  # a multiset difference: two identical events stay two
        else:
            new_events.append(event)
    new_goals = {Side.HOME: [e for e in new_events if e.type in GOALS and e.side is Side.HOME],
                 Side.AWAY: [e for e in new_events if e.type in GOALS and e.side is Side.AWAY]}
    in_play: list[tuple[int, int, FeedEvent]] = []
    for side, old, new in ((Side.HOME, before.home_goals or 0, after.home_goals or 0),
                           (Side.AWAY, before.away_goals or 0, after.away_goals or 0)):
        named = new_goals[side]
        for index in range(max(0, new - old)):
            event = named[index] if index < len(named) else None
            data = _event_data(event) if event else {"side": side.value, "minute": after.minute,
                                                     "added_minute": None, "player": None, "detail": "goal"}
            in_play.append((data["minute"] or 0, data["added_minute"] or 0, FeedEvent("goal", data)))
    for event in new_events:
        if event.type in CARD_MESSAGES:
            in_play.append((event.minute or 0, event.added_minute or 0,
                            FeedEvent(CARD_MESSAGES[event.type], _event_data(event))))
    running = {"home": 0, "away": 0} | {k: v for k, v in _score(before).items() if v is not None}
    for _minute, _added, event in sorted(in_play, key=lambda item: (item[0], item[1])):
        if event.type == "goal":
            running[event.data["side"]] += 1
            event.data["score"] = dict(running)
        out.append(event)
    if status_changed and not kicked_off:
        out.append(status_event)
    if status_changed or before.minute != after.minute or _score(before) != _score(after):
        out.append(FeedEvent("match_update", {"minute": after.minute, "status": after.status.value,
                                              "period": after.period.value if after.period else None,
                                              "score": _score(after)}))
    return out
