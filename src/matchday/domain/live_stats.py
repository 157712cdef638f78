"""A match's statistics as they stood at a moment of play, from its full-match totals. Pure.

A replayed or simulated match knows its final statistics before kick-off; a live page must not: before kick-off
there are none, cards count from the card events that have happened, and the other counts grow in proportion to
the minutes played (never below what the events already show: shots on target cover the goals scored)."""

from __future__ import annotations

from dataclasses import replace

from matchday.domain.records import EventType, MatchEventRecord, TeamStatsRecord

CARD_TYPES = frozenset({EventType.YELLOW, EventType.SECOND_YELLOW, EventType.RED})
SCORED = frozenset({EventType.GOAL, EventType.PENALTY_GOAL})
_GROWING = ("shots", "shots_on_target", "corners", "fouls", "offsides", "woodwork", "passes", "passes_accurate",
            "saves")


def _share(total: int | None, fraction: float) -> int | None:
    return None if total is None else int(total * fraction + 0.5)


def stats_at(totals: tuple[TeamStatsRecord, ...], happened: tuple[MatchEventRecord, ...], fraction: float,
             cards_in_events: bool) -> tuple[TeamStatsRecord, ...]:
    """``totals`` after ``fraction`` (0-1) of the match's playing time, ``happened`` being the events so far.
    ``cards_in_events``: the source lists cards as events, so the card counts are theirs."""
    if fraction <= 0:
        return ()
    if fraction >= 1:
        return totals
    out = []
    for team in totals:
        mine = [e for e in happened if e.side is team.side]
        grown = {name: _share(getattr(team, name), fraction) for name in _GROWING}
        scored = sum(e.type in SCORED for e in mine)
        if grown["shots_on_target"] is not None:
            grown["shots_on_target"] = max(grown["shots_on_target"], scored)
        if grown["shots"] is not None:
            grown["shots"] = max(grown["shots"], grown["shots_on_target"] or 0, scored)
        if cards_in_events:
            yellow = sum(e.type in (EventType.YELLOW, EventType.SECOND_YELLOW) for e in mine)
            red = sum(e.type in (EventType.RED, EventType.SECOND_YELLOW) for e in mine)
        else:
            yellow, red = _share(team.yellow_cards, fraction), _share(team.red_cards, fraction)
        out.append(replace(team, **grown, yellow_cards=yellow if team.yellow_cards is not None else None,
                           red_cards=red if team.red_cards is not None else None, booking_points=None,
                           expected_goals=None if team.expected_goals is None
                           else round(team.expected_goals * fraction, 2)))
    return tuple(out)


def has_card_events(events: tuple[MatchEventRecord, ...]) -> bool:
    return any(e.type in CARD_TYPES for e in events)



