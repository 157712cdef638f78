"""Historical replays: a real match day re-lived minute by minute from data with goal minutes.

openfootball tournament files (``worldcup.json``: goals with minute and stoppage offset, extra time, shoot-outs)
and international_results (``results.csv`` + ``goalscorers.csv``) both become scripts whose kick-offs keep
their true spacing on the day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from matchday.domain.match_clock import MatchScript
from matchday.domain.records import MatchRecord, MatchStatus
from matchday.errors import NotFound
from matchday.sources.base import get_source
from matchday.sources.csvtext import LIMITS
from matchday.sources.live import script_for
from matchday.sources.reading import read_bounded

DEFAULT_KICKOFF = time(15, 0)


def matches_on(source: str, paths: list[Path], day: date) -> list[MatchRecord]:
    plugin = get_source(source)
    found: list[MatchRecord] = []
    for unit in plugin.plan(paths, {}):
        contents = {role: read_bounded(path, LIMITS.get().max_bytes) for role, path in unit.files.items()}
        found += [m for m in plugin.parse(unit, contents).matches
                  if m.match_date == day and m.status is MatchStatus.FINISHED]
    if not found:
        raise NotFound(f"no finished match on {day} in {', '.join(map(str, paths))}")
    return found


def replay_scripts(matches: list[MatchRecord], start: datetime) -> list[MatchScript]:
    """Scripts keeping the day's real kick-off spacing, the first kicking off at ``start``."""
    kickoffs = [m.kickoff_utc or datetime.combine(m.match_date, DEFAULT_KICKOFF) for m in matches]
    first = min(kickoffs)
    return [script_for(m, start + (k - first)) for m, k in zip(matches, kickoffs, strict=True)]
