"""Historical replays: a real match day re-lived minute by minute from data with goal minutes.

openfootball tournament files (``worldcup.json``: goals with minute and stoppage offset, extra time, shoot-outs)
and international_results (``results.csv`` + ``goalscorers.csv``) both become scripts whose kick-offs keep
their true spacing on the day.
"""

from __future__ import annotations

import gzip
from datetime import date, datetime, time
from pathlib import Path

from matchday.domain.match_clock import MatchScript
from matchday.domain.records import MatchRecord, MatchStatus
from matchday.errors import NotFound, UnreadableFile
from matchday.sources.base import get_source
from matchday.sources.live import script_for

DEFAULT_KICKOFF = time(15, 0)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def matches_on(source: str, paths: list[Path], day: date) -> list[MatchRecord]:
    plugin = get_source(source)
    found: list[MatchRecord] = []
    for unit in plugin.plan(paths, {}):
        try:
            contents = {role: _read(path) for role, path in unit.files.items()}
        except OSError as exc:
            raise UnreadableFile(unit.location, str(exc)) from None
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
