"""The team payload (API and team page): identity, external ids, aliases and the merged profile (crest URL,
short name, founding year, stadium, capacity, colours), each profile field with its source."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from matchday.store import reference_queries, team_queries
from matchday.store.team_profiles import PROFILE_FIELDS, profiles


def _with_profile(row: dict[str, Any], profile: dict[str, Any] | None) -> dict[str, Any]:
    profile = profile or {}
    return {**row, **{name: profile.get(name) for name in PROFILE_FIELDS}, "colours": profile.get("colours") or [],
            "profile_sources": profile.get("sources") or {}}


def team(conn: Connection, team_id: int) -> dict[str, Any]:
    """One team, with its ground (the most trusted source's)."""
    row = team_queries.team(conn, team_id)
    return {**_with_profile(row, profiles(conn, [team_id]).get(team_id)),
            "venue": reference_queries.team_venue(conn, team_id)}


def teams(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = profiles(conn, [r["id"] for r in rows])
    return [_with_profile(r, found.get(r["id"])) for r in rows]
