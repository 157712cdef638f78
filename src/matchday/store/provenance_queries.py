"""Reads of provenance and conflicts: which source gave which field of a match, and where sources disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from matchday.domain import merge
from matchday.errors import NotFound
from matchday.precedence import source_precedence
from matchday.store.match_merge import stored_values
from matchday.store.provenance_rows import all_rows
from matchday.store.schema import competitions, match_conflicts, matches, seasons, teams


def match_provenance(conn: Connection, match_id: int) -> dict[str, Any]:
    """``fields``: field → the most trusted source giving the stored value; ``sources``: each source's claim
    (what it gave, when its statement last changed, where it differs from the store); ``conflicts``."""
    row = conn.execute(select(matches.c.competition_id, *(matches.c[name] for name in merge.FIELDS))
                       .where(matches.c.id == match_id)).first()
    if row is None:
        raise NotFound(f"no match with id {match_id}")
    code = conn.execute(select(competitions.c.code).where(competitions.c.id == row[0])).scalar_one()
    values = dict(zip(merge.FIELDS, stored_values(row[1:]), strict=True))
    trust = source_precedence().trust(code)
    claims: dict[str, dict[str, Any]] = {}
    sources = []
    rows = all_rows()
    for source, mask, dissent, seen_at in conn.execute(
            select(rows.c.source, rows.c.fields, rows.c.dissent, rows.c.seen_at).where(rows.c.match_id == match_id)):
        differing = merge.from_json(dissent or {})
        claims[source] = {name: differing.get(name, values[name]) for name in merge.fields_of(mask)
                          if differing.get(name, values[name]) is not None}
        sources.append({"source": source, "seen_at": seen_at, "fields": list(merge.fields_of(mask)),
                        "differs": merge.to_json(differing)})
    order = {s: rank for rank, s in enumerate(sorted(claims, key=trust, reverse=True), start=1)}
    for item in sources:
        item["rank"] = order[item["source"]]
    sources.sort(key=lambda item: item["rank"])
    return {"fields": merge.field_sources(claims, values, trust), "sources": sources,
            "conflicts": conflicts(conn, match_id=match_id, include_resolved=True)}


def conflicts(conn: Connection, competition_id: int | None = None, season_id: int | None = None,
              match_id: int | None = None, include_resolved: bool = False, limit: int = 1000) -> list[dict[str, Any]]:
    home, away = aliased(teams), aliased(teams)
    query = (select(match_conflicts.c.id, match_conflicts.c.match_id, matches.c.match_date,
                    competitions.c.code.label("league"), seasons.c.label.label("season"), home.c.name.label("home"),
                    away.c.name.label("away"), match_conflicts.c.field, match_conflicts.c.chosen_source,
                    match_conflicts.c.chosen_value, match_conflicts.c.other_source, match_conflicts.c.other_value,
                    match_conflicts.c.first_seen_at, match_conflicts.c.updated_at, match_conflicts.c.resolved_at)
             .join(matches, matches.c.id == match_conflicts.c.match_id)
             .join(competitions, competitions.c.id == matches.c.competition_id)
             .join(seasons, seasons.c.id == matches.c.season_id)
             .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)
             .order_by(matches.c.match_date, match_conflicts.c.id).limit(limit))
    if competition_id is not None:
        query = query.where(matches.c.competition_id == competition_id)
    if season_id is not None:
        query = query.where(matches.c.season_id == season_id)
    if match_id is not None:
        query = query.where(match_conflicts.c.match_id == match_id)
    if not include_resolved:
        query = query.where(match_conflicts.c.resolved_at.is_(None))
    return [dict(r._mapping) for r in conn.execute(query)]


def open_conflicts(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(match_conflicts)
                        .where(match_conflicts.c.resolved_at.is_(None))).scalar_one()
