"""Reading an internal id out of text that may also be a name or a code."""

from __future__ import annotations

MAX_ID = 2**31 - 1  # every id the stores hand out is an INTEGER key (PostgreSQL int4): nothing above exists


def as_internal_id(text: str) -> int | None:
    """The id ``text`` spells (ASCII digits within the key range), else None: "¹" and "99…9" are not ids."""
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None
