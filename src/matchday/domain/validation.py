"""Range checks for values that must be football: pure functions shared by every parser and bulk path.

Each check returns the value (converted where the input is text) or raises ``InvalidValue`` with a reason a
person can act on; the parser turns that into a quarantined row naming the line and the field. Nothing here
knows a provider: the limits are football's (the highest score on record is 149-0, AS Adema v Stade Olympique
de l'Emyrne, 2002), with headroom, and the database's (SQLite and PostgreSQL integers).
"""

from __future__ import annotations

import math
import re
from datetime import date

MAX_GOALS = 250  # per side, per match: above the 149 on record
MAX_PENALTIES = 60  # per side in a shoot-out (the record is 17)
MAX_MINUTE = 250  # a match minute, extra time and stoppage included
MAX_ATTENDANCE = 250_000
MAX_STAT = 1_000  # shots, corners, fouls ... per side
MAX_ROUND = 1_000
MIN_ODDS = 1.0  # a decimal price: 1.0 pays nothing back, so a real price is above it
MAX_ODDS = 100_000.0
MAX_ODDS_LINE = 100.0  # an Asian-handicap or over/under line, in goals
MAX_NAME_CHARS = 100  # a team or player name ("Club Atlético ..." fits; a 100,000-character one does not)
MAX_TEXT_CHARS = 200  # venue, referee, round labels
FIRST_YEAR, LAST_YEAR = 1850, 2100  # the first recorded matches are of the 1860s


class InvalidValue(ValueError):
    """A value that cannot be football; ``str(exc)`` is the reason."""


def _whole_number(value: object, what: str) -> int:
    if isinstance(value, bool):  # True/False are ints to Python, never a count to football
        raise InvalidValue(f"{what} must be a whole number, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise InvalidValue(f"{what} must be a whole number, not {value!r}")
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 12:  # also keeps int() away from 20-digit numbers the database cannot hold
            raise InvalidValue(f"{what} is not a plausible number: {text[:40]!r}")
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise InvalidValue(f"{what} is not a number: {text!r}") from None
            return _whole_number(number, what)
    raise InvalidValue(f"{what} must be a whole number, not {type(value).__name__} {value!r}"[:200])


def count(value: object, what: str, maximum: int) -> int:
    """A whole number in 0..maximum (from an int, a whole float or its text)."""
    if value.__class__ is str and len(value) <= 6 and value.isdecimal():  # the common case, fast (bulk loads)
        number = int(value)
        if number <= maximum:
            return number
    number = _whole_number(value, what)
    if number < 0:
        raise InvalidValue(f"{what} cannot be negative: {number}")
    if number > maximum:
        raise InvalidValue(f"{what} {number} is beyond any real match (at most {maximum})")
    return number


def goals(value: object, what: str = "goals") -> int:
    if value.__class__ is str and len(value) < 3 and value.isdecimal():  # 0-99: the bulk of every file
        return int(value)
    return count(value, what, MAX_GOALS)


def penalties(value: object, what: str = "penalties") -> int:
    return count(value, what, MAX_PENALTIES)


def minute(value: object, what: str = "minute") -> int:
    return count(value, what, MAX_MINUTE)


def attendance(value: object) -> int:
    return count(value, "attendance", MAX_ATTENDANCE)


def stat(value: object, what: str) -> int:
    return count(value, what, MAX_STAT)


def round_number(value: object) -> int:
    return count(value, "round", MAX_ROUND)


def match_date(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InvalidValue(f"date {value.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return value


def odds(value: float, what: str = "price") -> float:
    """A decimal bookmaker price: finite and above 1.0 (an infinite price would imply probability 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise InvalidValue(f"{what} must be finite, not {value!r}")
    if value <= MIN_ODDS:
        raise InvalidValue(f"{what} {value!r} is not a decimal price (must be above {MIN_ODDS})")
    if value > MAX_ODDS:
        raise InvalidValue(f"{what} {value!r} is beyond any real price (at most {MAX_ODDS:g})")
    return float(value)


def odds_line(value: float, what: str = "line") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or abs(value) > MAX_ODDS_LINE:
        raise InvalidValue(f"{what} {value!r} is not a handicap line (within ±{MAX_ODDS_LINE:g} goals)")
    return float(value)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc: NUL, tab, newline, escape, C1 codes


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def name(value: object, what: str = "team name", maximum: int = MAX_NAME_CHARS) -> str:
    """A non-empty name, stripped, of at most ``maximum`` characters, without NUL or control characters.

    Cheap enough per row; a parser meeting the same few hundred names again and again may keep the ones it has
    checked (``NameChecks``)."""
    if not isinstance(value, str):
        raise InvalidValue(f"{what} must be text, not {type(value).__name__} {value!r}"[:200])
    text = value.strip()
    if not text:
        raise InvalidValue(f"{what} is empty")
    if len(text) > maximum:
        raise InvalidValue(f"{what} has {len(text)} characters (at most {maximum})")
    if _has_control(text):
        raise InvalidValue(f"{what} contains control characters: {text[:60]!r}")
    return text


def optional_text(value: object, what: str, maximum: int = MAX_TEXT_CHARS) -> str | None:
    """Free text such as a venue or a referee: None when absent, else checked like a name."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return name(value, what, maximum)


class NameChecks(dict):
    """Names already checked, by their raw text: a historical file names the same teams tens of thousands of
    times. ``checks(raw, what)`` is ``name(raw, what)``; a failing name is never kept."""

    def __call__(self, raw: str, what: str = "team name", maximum: int = MAX_NAME_CHARS) -> str:
        found = self.get(raw)
        if found is None:
            found = self[raw] = name(raw, what, maximum)
        return found
