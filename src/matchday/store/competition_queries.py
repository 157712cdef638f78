"""Competitions as stored: each with its seasons, matches and the ids providers know it by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from matchday.store.schema import competitions, external_ids, matches, seasons


def competitions_overview(conn: Connection) -> list[dict[str, Any]]:
    """Every stored competition: code, name, country, kind, seasons, matches, and ``{source: [ids]}``."""
    season_n = dict(conn.execute(select(seasons.c.competition_id, func.count()).group_by(seasons.c.competition_id))
                    .all())
    match_n = dict(conn.execute(select(matches.c.competition_id, func.count()).group_by(matches.c.competition_id))
                   .all())
    known: dict[int, dict[str, list[str]]] = {}
    for source, external, internal in conn.execute(
            select(external_ids.c.source, external_ids.c.external_id, external_ids.c.internal_id)
            .where(external_ids.c.entity == "competition").order_by(external_ids.c.source, external_ids.c.external_id)):
        known.setdefault(internal, {}).setdefault(source, []).append(external)
    return [{"code": r.code, "name": r.name, "country": r.country, "kind": r.kind,
             "seasons": season_n.get(r.id, 0), "matches": match_n.get(r.id, 0), "provider_ids": known.get(r.id, {})}
            for r in conn.execute(select(competitions).order_by(competitions.c.code))]
