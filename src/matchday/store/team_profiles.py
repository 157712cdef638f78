"""Team profiles (crest URL, short name, founding year, stadium, colours ...): one row per source, read merged
field by field from the most trusted source that gives each field (DESIGN.md §9: nothing known is erased)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from matchday.domain.records import TeamProfile
from matchday.precedence import source_precedence
from matchday.store.bulk import bulk_insert
from matchday.store.schema import team_profiles

PROFILE_FIELDS = tuple(f.name for f in fields(TeamProfile))
_CHUNK = 900


def _row(profile: TeamProfile) -> tuple:
    values = astuple(profile)
    return tuple(list(v) if isinstance(v, tuple) else v for v in values)


def write_profiles(conn: Connection, source: str, items: Iterable[tuple[int, TeamProfile]]) -> set[int]:
    """Each team's profile from ``source``, merged with what the source said before (a crest from a fixture
    list never erases the stadium its team list gave). Returns the teams whose stored profile changed."""
    incoming: dict[int, TeamProfile] = {}
    for team_id, profile in items:
        known = incoming.get(team_id)
        incoming[team_id] = profile if known is None else TeamProfile(*(
            new if new not in (None, ()) else old for new, old in zip(astuple(profile), astuple(known), strict=True)))
    if not incoming:
        return set()
    cols = [team_profiles.c[name] for name in PROFILE_FIELDS]
    stored: dict[int, tuple] = {}
    ids = sorted(incoming)
    for start in range(0, len(ids), _CHUNK):
        for row in conn.execute(select(team_profiles.c.team_id, *cols).where(
                team_profiles.c.source == source, team_profiles.c.team_id.in_(ids[start:start + _CHUNK]))):
            stored[row[0]] = tuple(row[1:])
    changed: dict[int, tuple] = {}
    for team_id, profile in incoming.items():
        new = _row(profile)
        old = stored.get(team_id)
        merged = new if old is None else tuple(n if n not in (None, []) else o for n, o in zip(new, old, strict=True))
        if merged != old:
            changed[team_id] = merged
    if changed:
        conn.execute(delete(team_profiles).where(team_profiles.c.source == source,
                                                 team_profiles.c.team_id.in_(sorted(changed))))
        now = datetime.now(UTC).replace(tzinfo=None)
        bulk_insert(conn, team_profiles, [{"team_id": t, "source": source, "updated_at": now,
                                           **dict(zip(PROFILE_FIELDS, row, strict=True))}
                                          for t, row in changed.items()])
    return set(changed)


def profiles(conn: Connection, team_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each team's merged profile: every field from the most trusted source giving it, plus ``sources``
    (field → source)."""
    ids = sorted(set(team_ids))
    by_team: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        for row in conn.execute(select(team_profiles).where(team_profiles.c.team_id.in_(ids[start:start + _CHUNK]))
                                ).mappings():
            by_team[row["team_id"]].append(dict(row))
    key = source_precedence().key
    merged: dict[int, dict[str, Any]] = {}
    for team_id, rows in by_team.items():
        rows.sort(key=lambda r: key(r["source"]), reverse=True)
        out: dict[str, Any] = {name: None for name in PROFILE_FIELDS}
        out["colours"], sources = [], {}
        for name in PROFILE_FIELDS:
            for row in rows:
                if row[name] not in (None, [], ""):
                    out[name], sources[name] = row[name], row["source"]
                    break
        out["sources"] = sources
        merged[team_id] = out
    return merged


def crests(conn: Connection, team_ids: Iterable[int]) -> dict[int, str]:
    """team id → crest URL, for the teams that have one."""
    return {t: p["crest_url"] for t, p in profiles(conn, list(team_ids)).items() if p["crest_url"]}
