"""The match polling policy: when a live match is due for a check. Pure; the numbers are data."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from matchday.domain.records import MatchStatus, Period

FINAL = frozenset({MatchStatus.FINISHED, MatchStatus.AWARDED, MatchStatus.CANCELLED, MatchStatus.ABANDONED,
                   MatchStatus.POSTPONED})


class Decision(enum.StrEnum):
    POLL = "poll"
    WAIT = "wait"
    FLAG = "flag"  # not final long after it should have ended: needs a person, not more polling
    DONE = "done"


@dataclass(frozen=True)
class PollingPolicy:
    pre_kickoff_window_s: int = 300
    live_interval_s: int = 20
    expected_duration_min: int = 115
    extra_time_min: int = 45  # extra time, its breaks and a shoot-out push the expected end back
    after_end_interval_s: int = 600
    flag_after_hours: float = 4
    retry_delays_s: tuple[int, ...] = (30, 60, 120)
    discovery_interval_s: int = 900  # how often the source is asked which matches it covers


def decide(policy: PollingPolicy, status: MatchStatus, period: Period | None, kickoff: datetime | None,
           last_checked: datetime | None, now: datetime) -> Decision:
    """What to do with one match now: poll it, wait, flag it for a person, or forget it (final)."""
    if status in FINAL:
        return Decision.DONE
    if kickoff is None:
        return Decision.WAIT
    if now < kickoff - timedelta(seconds=policy.pre_kickoff_window_s):
        return Decision.WAIT
    if now > kickoff + timedelta(hours=policy.flag_after_hours):
        return Decision.FLAG
    expected_end = kickoff + timedelta(minutes=policy.expected_duration_min)
    if period in (Period.EXTRA_TIME, Period.PENALTIES):
        expected_end += timedelta(minutes=policy.extra_time_min)
    interval = policy.live_interval_s if now <= expected_end else policy.after_end_interval_s
    if last_checked is None or (now - last_checked).total_seconds() >= interval:
        return Decision.POLL
    return Decision.WAIT
