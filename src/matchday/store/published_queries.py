"""Reads of what providers publish (tables, top scorers), kept apart from what matchday computes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from matchday.store.schema import published_standings


def published_tables(conn: Connection, season_id: int, source: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each source's published table of the season (rows in group and position order), by source."""
    query = select(published_standings).where(published_standings.c.season_id == season_id)
    if source:
        query = query.where(published_standings.c.source == source)
    tables: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query.order_by(published_standings.c.source, published_standings.c.group_name,
                                           published_standings.c.position)).mappings():
        tables.setdefault(row["source"], []).append(dict(row))
    return tables
