"""When a prediction league stops taking predictions for a match (a league's rule, pure):

- ``kickoff``: at the match's kick-off (the default);
- ``before_kickoff``: ``lock_minutes`` before it;
- ``round_start``: at the first kick-off of the match's round (every match of a round locks together).

A match also locks as soon as its status says it started, whatever the clock (``pools.football.MatchInfo``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

LOCK_MODES = ("kickoff", "before_kickoff", "round_start")


def locks_at(kickoff: datetime | None, round_kickoffs: Iterable[datetime | None], mode: str,
             minutes: int = 0) -> datetime | None:
    """The moment predictions for a match close; None when its kick-off is not known (it closes by status)."""
    if mode not in LOCK_MODES:
        raise ValueError(f"lock must be one of {LOCK_MODES}, not {mode!r}")
    if mode == "round_start":
        known = [k for k in (*round_kickoffs, kickoff) if k is not None]
        return min(known) if known else None
    if kickoff is None:
        return None
    return kickoff - timedelta(minutes=minutes) if mode == "before_kickoff" else kickoff
