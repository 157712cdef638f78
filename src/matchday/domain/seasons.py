"""Season labels: ``2011-12`` for split-year seasons, ``2022`` for calendar-year ones."""

from __future__ import annotations

import re
from datetime import date

_SPLIT = re.compile(r"^(\d{4})[-/](\d{2}|\d{4})$")
_COMPACT = re.compile(r"^(\d{2})(\d{2})$")
_YEAR = re.compile(r"^\d{4}$")


def split_season(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def season_start_year(label: str) -> int:
    match = _SPLIT.match(label)
    if match:
        return int(match.group(1))
    if _YEAR.match(label):
        return int(label)
    raise ValueError(f"not a season label: {label!r} (expected e.g. 2011-12 or 2022)")


def normalise_season(text: str, calendar_year: bool = False) -> str:
    """Accept ``2011-12``, ``2011/12``, ``2011-2012``, ``1112`` (football-data's URL form) or ``2011``."""
    text = text.strip()
    match = _SPLIT.match(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        if int(end[-2:]) != (start + 1) % 100:
            raise ValueError(f"not a season label: {text!r} (end year must follow start year)")
        return split_season(start)
    match = _COMPACT.match(text)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
        start = int(match.group(1))
        return split_season(start + (1900 if start >= 50 else 2000))
    if _YEAR.match(text):
        return text if calendar_year else split_season(int(text))
    raise ValueError(f"not a season label: {text!r} (expected e.g. 2011-12 or 2022)")


def season_for_date(day: date, calendar_year: bool, first_month: int = 7) -> str:
    if calendar_year:
        return str(day.year)
    return split_season(day.year if day.month >= first_month else day.year - 1)


def compact_season(label: str) -> str:
    """``2024-25`` → ``2425`` (football-data.co.uk's URL form)."""
    start = season_start_year(label)
    return f"{start % 100:02d}{(start + 1) % 100:02d}"
