"""Reads of the reference data providers list: a team's ground, its squad with what sources say of each player,
and who is out of a match or a team's matches. Every value from the most trusted source giving it (DESIGN §9)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, or_, select, tuple_

from matchday.precedence import source_precedence
from matchday.store.schema import (
    external_ids,
    injuries,
    match_lineups,
    player_profiles,
    players,
    seasons,
    squad_members,
    team_venues,
    venues,
)

PROFILE_FIELDS = ("nationality", "birth_date", "height_cm", "weight_kg", "photo_url")


def _most_trusted(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, Any]:
    """Field by field, the value of the most trusted source that gives one."""
    key = source_precedence().key
    ordered = sorted(rows, key=lambda r: key(r["source"]), reverse=True)
    return {name: next((r[name] for r in ordered if r[name] is not None), None) for name in fields}


def team_venue(conn: Connection, team_id: int) -> dict[str, Any] | None:
    """The ground the most trusted source says the team plays at, with that source's description of it."""
    rows = [dict(r) for r in conn.execute(
        select(venues.c.name, venues.c.address, venues.c.city, venues.c.country, venues.c.capacity,
               venues.c.surface, venues.c.image_url, team_venues.c.source)
        .join(venues, venues.c.id == team_venues.c.venue_id).where(team_venues.c.team_id == team_id)).mappings()]
    if not rows:
        return None
    key = source_precedence().key
    return max(rows, key=lambda r: key(r["source"]))


def squad(conn: Connection, team_id: int, season: str | None = None) -> list[dict[str, Any]]:
    """The team's players: those a source lists in its squad (of ``season`` when given, else any season or the
    current squad) and those seen in its line-ups; position, shirt number and profile from the most trusted
    source, appearances counted from the stored line-ups (else as the source gives them)."""
    listed = select(squad_members.c.player_id, squad_members.c.source, squad_members.c.position,
                    squad_members.c.shirt_number, squad_members.c.appearances).where(squad_members.c.team_id == team_id)
    if season:
        listed = listed.join(seasons, seasons.c.id == squad_members.c.season_id).where(seasons.c.label == season)
    places: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(listed).mappings():
        places[row["player_id"]].append(dict(row))
    members = set(places)
    if not season:
        members |= set(conn.execute(select(players.c.id).where(players.c.team_id == team_id)).scalars())
    if not members:
        return []
    ids = sorted(members)
    names = dict(conn.execute(select(players.c.id, players.c.name).where(players.c.id.in_(ids))).all())
    lineups = {r.player_id: r for r in conn.execute(
        select(match_lineups.c.player_id, func.count().label("appearances"),
               func.max(match_lineups.c.position).label("position"),
               func.max(match_lineups.c.shirt_number).label("shirt_number"))
        .where(match_lineups.c.player_id.in_(ids)).group_by(match_lineups.c.player_id))}
    profiles: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(select(player_profiles).where(player_profiles.c.player_id.in_(ids))).mappings():
        profiles[row["player_id"]].append(dict(row))
    result = []
    for player_id in ids:
        listed_as = _most_trusted(places.get(player_id, []), ("position", "shirt_number", "appearances"))
        seen = lineups.get(player_id)
        result.append({"id": player_id, "name": names[player_id],
                       "position": listed_as["position"] or (seen.position if seen else None),
                       "shirt_number": listed_as["shirt_number"] or (seen.shirt_number if seen else None),
                       "appearances": seen.appearances if seen else (listed_as["appearances"] or 0),
                       **_most_trusted(profiles.get(player_id, []), PROFILE_FIELDS),
                       "sources": sorted({p["source"] for p in places.get(player_id, [])})})
    result.sort(key=lambda p: (p["shirt_number"] is None, p["shirt_number"] or 0, p["name"]))
    return result


def _with_matches(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each injury with the stored match its provider's fixture id stands for (None: not loaded yet)."""
    pairs = sorted({(r["source"], r["match_key"]) for r in rows})
    found = {}
    for start in range(0, len(pairs), 400):
        chunk = pairs[start:start + 400]
        found.update({(s, k): i for s, k, i in conn.execute(
            select(external_ids.c.source, external_ids.c.external_id, external_ids.c.internal_id).where(
                external_ids.c.entity == "match",
                tuple_(external_ids.c.source, external_ids.c.external_id).in_(chunk)))})
    return [{**r, "match_id": found.get((r["source"], r["match_key"]))} for r in rows]


_INJURY_COLUMNS = (injuries.c.player_id, injuries.c.player_name, injuries.c.team_id, injuries.c.status,
                   injuries.c.reason, injuries.c.kickoff_utc, injuries.c.source, injuries.c.match_key)


def team_injuries(conn: Connection, team_id: int, limit: int) -> list[dict[str, Any]]:
    """The team's players out of or in doubt for its matches, the latest matches first."""
    rows = [dict(r) for r in conn.execute(select(*_INJURY_COLUMNS).where(injuries.c.team_id == team_id)
                                          .order_by(injuries.c.kickoff_utc.desc(), injuries.c.player_name)
                                          .limit(limit)).mappings()]
    return _with_matches(conn, rows)


def match_injuries(conn: Connection, match_id: int) -> list[dict[str, Any]]:
    """Who is out of or in doubt for the match, as each source keying it reports (one line per player: the most
    trusted source's)."""
    keys = conn.execute(select(external_ids.c.source, external_ids.c.external_id).where(
        external_ids.c.entity == "match", external_ids.c.internal_id == match_id)).all()
    if not keys:
        return []
    rows = [dict(r) for r in conn.execute(select(*_INJURY_COLUMNS).where(
        or_(*((injuries.c.source == s) & (injuries.c.match_key == k) for s, k in keys)))).mappings()]
    trust = source_precedence().key
    best: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: trust(r["source"])):
        best[row["player_id"]] = {**row, "match_id": match_id}
    return sorted(best.values(), key=lambda r: (r["team_id"], r["player_name"]))
