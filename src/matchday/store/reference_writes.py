"""Writes of the reference data providers list: countries, venues (and the ground a team plays at), squads (with
what a source says of each player) and injuries. Called inside the one write tail (``ingest.apply.writing``).

Every row is kept per source (DESIGN §9: a source never erases another's data; reads take the most trusted source
giving each value). Idempotent: a repeated answer changes nothing; a changed row is updated in place. A squad of a
season only grows (``/players`` comes in pages); a current squad (``/players/squads``) replaces the same source's
previous current squad of that team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from matchday.domain.records import CountryRecord, InjuryRecord, SquadMemberRecord, TeamRef, VenueRecord
from matchday.store.identity import Resolver
from matchday.store.provider_writes import ProviderCounts
from matchday.store.schema import (
    countries,
    external_ids,
    injuries,
    player_profiles,
    squad_members,
    team_venues,
    venues,
)

VENUE_FIELDS = ("name", "address", "city", "country", "capacity", "surface", "image_url")
PROFILE_FIELDS = ("nationality", "birth_date", "height_cm", "weight_kg", "photo_url")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _upsert(conn: Connection, table: Table, key: dict[str, Any], values: dict[str, Any], merge: bool = False) -> bool:
    """Insert or update one row found by ``key``; with ``merge`` a None never replaces a stored value. Returns
    whether anything changed (an unchanged row is not written)."""
    where = [table.c[k] == v if v is not None else table.c[k].is_(None) for k, v in key.items()]
    stored = conn.execute(select(*(table.c[k] for k in values)).where(*where)).mappings().first()
    if stored is None:
        conn.execute(insert(table).values(**key, **values, updated_at=_now()))
        return True
    new = {k: v for k, v in values.items() if not (merge and v is None)}
    if all(stored[k] == v for k, v in new.items()):
        return False
    conn.execute(update(table).where(*where).values(**new, updated_at=_now()))
    return True


def write_countries(conn: Connection, source: str, records: Sequence[CountryRecord], counts: ProviderCounts) -> None:
    for rec in records:
        if _upsert(conn, countries, {"source": source, "name": rec.name},
                   {"code": rec.code, "flag_url": rec.flag_url}, merge=True):
            counts.references_changed += 1


def known_team(resolver: Resolver, ref: TeamRef) -> int:
    """The team a provider's id stands for, also when the answer gives no country (``/players/squads``): the one
    team this source keys by that id in any scope; else ``resolver.team`` (found by name, or created)."""
    if ref.country is None and ref.source_key:
        found = resolver.team_by_provider_id(ref.source_key)
        if found is not None:
            return found
    return resolver.team(ref)


def write_venues(conn: Connection, resolver: Resolver, source: str, records: Sequence[VenueRecord],
                 counts: ProviderCounts) -> None:
    for rec in records:
        if _upsert(conn, venues, {"source": source, "external_id": rec.key},
                   {name: getattr(rec, name) for name in VENUE_FIELDS}, merge=True):
            counts.references_changed += 1
        if rec.team is None:
            continue
        venue_id = conn.execute(select(venues.c.id).where(venues.c.source == source,
                                                          venues.c.external_id == rec.key)).scalar_one()
        team_id = known_team(resolver, rec.team)
        if _upsert(conn, team_venues, {"team_id": team_id, "source": source}, {"venue_id": venue_id}):
            counts.references_changed += 1
            counts.tags.add(f"team:{team_id}")


def player_ids(conn: Connection, resolver: Resolver, source: str,
               wanted: Iterable[tuple[str | None, str, int]]) -> dict[tuple[str | None, str, int], int]:
    """Ids for (provider player id, name, team id): by the provider's id when this source gave it before, else by
    name within the team (``Resolver.players``); a provider id seen for the first time is kept as an external id."""
    wanted = list(dict.fromkeys(wanted))
    keys = sorted({key for key, _n, _t in wanted if key})
    known: dict[str, int] = {}
    for start in range(0, len(keys), 900):
        known.update(conn.execute(select(external_ids.c.external_id, external_ids.c.internal_id).where(
            external_ids.c.source == source, external_ids.c.entity == "player",
            external_ids.c.external_id.in_(keys[start:start + 900]))).all())
    by_name = resolver.players({(name, team_id) for key, name, team_id in wanted if not key or key not in known})
    found, new_keys = {}, {}
    for item in wanted:
        key, name, team_id = item
        found[item] = known[key] if key and key in known else new_keys.get(key) or by_name[(name, team_id)]
        if key and key not in known and key not in new_keys:
            new_keys[key] = found[item]
    if new_keys:
        conn.execute(insert(external_ids), [{"source": source, "entity": "player", "external_id": key,
                                             "internal_id": player_id} for key, player_id in new_keys.items()])
    return found


def _place_players(conn: Connection, resolver: Resolver, source: str,
                   records: Sequence[SquadMemberRecord] | Sequence[InjuryRecord]) -> tuple[list, dict]:
    """Each record with its team and season (None: no season named), and the players' ids by (key, name, team)."""
    placed = []
    for rec in records:
        season_id = None
        if rec.competition is not None and rec.season:
            season_id = resolver.season(resolver.competition(rec.competition), rec.season)
        placed.append((rec, known_team(resolver, rec.team), season_id))
    ids = player_ids(conn, resolver, source, [(rec.player_key, rec.player_name, team_id)
                                              for rec, team_id, _s in placed])
    return placed, ids


def write_squads(conn: Connection, resolver: Resolver, source: str, records: Sequence[SquadMemberRecord],
                 counts: ProviderCounts) -> None:
    if not records:
        return
    placed, ids = _place_players(conn, resolver, source, records)
    current: dict[int, set[int]] = {}  # team → players of its current squad in this answer
    for rec, team_id, season_id in placed:
        player_id = ids[(rec.player_key, rec.player_name, team_id)]
        changed = _upsert(conn, squad_members, {"source": source, "team_id": team_id, "player_id": player_id,
                                                "season_id": season_id},
                          {"position": rec.position, "shirt_number": rec.shirt_number,
                           "appearances": rec.appearances}, merge=season_id is not None)
        changed |= _upsert(conn, player_profiles, {"player_id": player_id, "source": source},
                           {name: getattr(rec, name) for name in PROFILE_FIELDS}, merge=True)
        if season_id is None:
            current.setdefault(team_id, set()).add(player_id)
        if changed:
            counts.references_changed += 1
            counts.tags.add(f"team:{team_id}")
    for team_id, kept in current.items():  # who left the current squad leaves this source's list of it
        gone = conn.execute(delete(squad_members).where(
            squad_members.c.source == source, squad_members.c.team_id == team_id,
            squad_members.c.season_id.is_(None), squad_members.c.player_id.not_in(sorted(kept))))
        if gone.rowcount:
            counts.references_changed += gone.rowcount
            counts.tags.add(f"team:{team_id}")


def write_injuries(conn: Connection, resolver: Resolver, source: str, records: Sequence[InjuryRecord],
                   counts: ProviderCounts) -> None:
    if not records:
        return
    placed, ids = _place_players(conn, resolver, source, records)
    matches = dict(conn.execute(select(external_ids.c.external_id, external_ids.c.internal_id).where(
        external_ids.c.source == source, external_ids.c.entity == "match",
        external_ids.c.external_id.in_(sorted({rec.match_key for rec in records})))).all())
    for rec, team_id, season_id in placed:
        player_id = ids[(rec.player_key, rec.player_name, team_id)]
        if _upsert(conn, injuries, {"source": source, "match_key": rec.match_key, "player_id": player_id},
                   {"team_id": team_id, "player_name": rec.player_name, "status": rec.status, "reason": rec.reason,
                    "kickoff_utc": rec.kickoff_utc, "season_id": season_id}):
            counts.references_changed += 1
            counts.tags.add(f"team:{team_id}")
            if rec.match_key in matches:
                counts.tags.add(f"match:{matches[rec.match_key]}")


def repoint_team(conn: Connection, keep_id: int, drop_id: int) -> None:
    """A team merge: the dropped team's grounds, squads and injuries become the kept team's (a source's own row
    of the kept team wins over the dropped team's)."""
    kept = set(conn.execute(select(team_venues.c.source).where(team_venues.c.team_id == keep_id)).scalars())
    conn.execute(delete(team_venues).where(team_venues.c.team_id == drop_id, team_venues.c.source.in_(sorted(kept))))
    conn.execute(update(team_venues).where(team_venues.c.team_id == drop_id).values(team_id=keep_id))
    for table in (squad_members, injuries):
        conn.execute(update(table).where(table.c.team_id == drop_id).values(team_id=keep_id))


def repoint_player(conn: Connection, keep_id: int, drop_id: int) -> None:
    """Two player rows found to be one (a team merge): the dropped one's squad places, injuries, profiles and
    provider ids become the kept one's, except where the kept one has the same source's own."""
    for table, unique in ((squad_members, ("source", "team_id", "season_id")),
                          (injuries, ("source", "match_key")), (player_profiles, ("source",))):
        cols = [table.c[name] for name in unique]
        kept = {tuple(r) for r in conn.execute(select(*cols).where(table.c.player_id == keep_id))}
        for row in conn.execute(select(*cols).where(table.c.player_id == drop_id)).all():
            where = [table.c.player_id == drop_id, *(c == v if v is not None else c.is_(None)
                                                      for c, v in zip(cols, row, strict=True))]
            if tuple(row) in kept:
                conn.execute(delete(table).where(*where))
            else:
                conn.execute(update(table).where(*where).values(player_id=keep_id))
    conn.execute(update(external_ids).where(external_ids.c.entity == "player", external_ids.c.internal_id == drop_id)
                 .values(internal_id=keep_id))
