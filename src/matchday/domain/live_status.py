"""Whether a match a source once reported in play can still be believed to be in play. Pure.

A match whose kick-off is hours past cannot still be running (extra time, a shoot-out and a long stoppage fit in
three hours), and a live source re-checks a match in play every few minutes. One past both limits is a match a
source stopped following (a loaded file of recorded answers, a provider that dropped it): its last known status
is unconfirmed, not live."""

from __future__ import annotations

from datetime import datetime, timedelta

IN_PLAY = frozenset({"live", "halftime"})
LONGEST_MATCH = timedelta(hours=3)
QUIET_FOR = timedelta(minutes=15)


def is_unconfirmed(status: str, kickoff_utc: datetime | None, last_checked_at: datetime | None,
                   now: datetime) -> bool:
    """``status`` says in play but the kick-off is more than three hours past and no source has checked the match
    for fifteen minutes (times naive UTC)."""
    if status not in IN_PLAY or kickoff_utc is None or kickoff_utc > now - LONGEST_MATCH:
        return False
    return last_checked_at is None or last_checked_at < now - QUIET_FOR


def unconfirmed_from(status: str, kickoff_utc: datetime | None, last_checked_at: datetime | None) -> datetime | None:
    """When a match in play turns unconfirmed if no source checks it again (None: never, it is not in play or
    has no kick-off time): both limits of ``is_unconfirmed`` passed. An answer that lists it as in play is true
    until then, and no longer."""
    if status not in IN_PLAY or kickoff_utc is None:
        return None
    turns = kickoff_utc + LONGEST_MATCH
    return turns if last_checked_at is None else max(turns, last_checked_at + QUIET_FOR)
