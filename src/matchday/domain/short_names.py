"""A team's short name for narrow output (a terminal table): the shortest name it is known by, without the
club-form words ("FC", "AFC", "Football Club") that every name carries."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CLUB_FORM = re.compile(r"(^|\s)(a\.?f\.?c\.?|f\.?c\.?|c\.?f\.?|s\.?c\.?|football club)(?=\s|$)", re.IGNORECASE)


def without_club_form(name: str) -> str:
    """``"Brentford FC"`` -> ``"Brentford"``; a name that is nothing else stays as it is."""
    stripped = " ".join(_CLUB_FORM.sub(" ", name).split())
    return stripped or name


def short_team_name(name: str, aliases: Iterable[str] = ()) -> str:
    """The shortest of the team's name and aliases (``"Manchester City"``, ``"Man City"`` -> ``"Man City"``).
    Codes (``"MCI"``) and initials are not names a reader recognises, so aliases under four letters don't count."""
    candidates = {without_club_form(n) for n in (name, *aliases) if n}
    readable = [c for c in candidates if len(c.replace(" ", "")) >= 4 and not c.isupper()]
    return min(readable or [without_club_form(name)], key=lambda c: (len(c), c))
