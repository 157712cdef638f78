"""Crests on the pages: the providers' image URLs (linked, never copied) added to match rows and table rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from matchday.store.team_profiles import crests


def team_crests(conn: Connection, team_ids: Iterable[int]) -> dict[int, str]:
    return crests(conn, [t for t in team_ids if t is not None])


def with_crests(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Match rows with ``home_crest`` / ``away_crest`` (None where no source gave one)."""
    found = team_crests(conn, {t for r in rows for t in (r["home_team_id"], r["away_team_id"])})
    for row in rows:
        row["home_crest"], row["away_crest"] = found.get(row["home_team_id"]), found.get(row["away_team_id"])
    return rows
