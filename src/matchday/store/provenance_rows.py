"""Where a match's provenance lives: ``match_sources`` rows, or, for a match only one source described, its row.

A first load inserts hundreds of thousands of matches that one source described and nothing else did; one
``match_sources`` row for each doubled the insert. A new match (bulk or record path) keeps that source in its row
(``matches.first_source``, ``first_fields``, ``first_seen_at``: the provenance row it would have had, with no
dissent) and has no ``match_sources`` row. The invariant: a match with ``first_source`` set has no
``match_sources`` row. Whatever changes a match's provenance or values first moves that row into
``match_sources`` (``materialise``); after that nothing differs from a match that always had its rows.

Readers see both through ``all_rows()`` (a ``UNION ALL``, the columns of ``match_sources``); the writers' fast
paths read a source's own row with ``own_fields`` / ``own_dissent``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Subquery, and_, case, insert, literal, null, select, union_all, update

from matchday.store.schema import match_sources, matches

_CHUNK = 900
PROVENANCE_COLUMNS = ("match_id", "source", "fields", "dissent", "seen_at")
FIRST_COLUMNS = ("first_source", "first_fields", "first_seen_at")


def all_rows() -> Subquery:
    """Every provenance row (``match_sources`` columns), the ones kept in ``matches`` included."""
    kept = select(matches.c.id.label("match_id"), matches.c.first_source.label("source"),
                  matches.c.first_fields.label("fields"), null().label("dissent"),
                  matches.c.first_seen_at.label("seen_at")).where(matches.c.first_source.is_not(None))
    return union_all(select(*(match_sources.c[name] for name in PROVENANCE_COLUMNS)), kept).subquery("provenance")


def own_fields(source: str) -> Any:
    """The fields mask of ``source``'s row for the ``matches`` row of a query that outer-joins ``match_sources``
    on (match, ``source``): NULL when the source never described the match."""
    return case((match_sources.c.fields.is_not(None), match_sources.c.fields),
                (matches.c.first_source == literal(source), matches.c.first_fields), else_=None).label("fields")


def materialise(conn: Connection, match_ids: Sequence[int]) -> None:
    """Move the provenance kept in these matches' rows into ``match_sources`` (before anything changes them)."""
    ordered = sorted(set(match_ids))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        kept = and_(matches.c.id.in_(chunk), matches.c.first_source.is_not(None))
        moved = conn.execute(insert(match_sources).from_select(
            ("match_id", "source", "fields", "seen_at"),
            select(matches.c.id, matches.c.first_source, matches.c.first_fields, matches.c.first_seen_at)
            .where(kept)))
        if moved.rowcount:
            conn.execute(update(matches).where(kept).values(first_source=None, first_fields=None,
                                                            first_seen_at=None))
