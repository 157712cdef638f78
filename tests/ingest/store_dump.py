"""A store's content by natural keys (names, codes, labels; never internal ids): comparable across stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from matchday.domain.merge import FIELDS
from matchday.store.provenance_rows import all_rows
from matchday.store.schema import (
    competitions,
    external_ids,
    match_conflicts,
    matches,
    seasons,
    team_aliases,
    teams,
)


def store_dump(engine: Engine) -> dict[str, Any]:
    home, away = aliased(teams), aliased(teams)
    with engine.connect() as conn:
        names = dict(conn.execute(select(teams.c.id, teams.c.name)).all())
        codes = dict(conn.execute(select(competitions.c.id, competitions.c.code)).all())
        natural: dict[int, tuple] = {}
        rows = []
        for row in conn.execute(select(matches, competitions.c.code, seasons.c.label, home.c.name.label("home"),
                                       away.c.name.label("away"))
                                .join(competitions, competitions.c.id == matches.c.competition_id)
                                .join(seasons, seasons.c.id == matches.c.season_id)
                                .join(home, home.c.id == matches.c.home_team_id)
                                .join(away, away.c.id == matches.c.away_team_id)).mappings():
            key = (row["code"], row["label"], row["home"], row["away"], row["stage"],
                   row["match_key"].split("|")[1] if row["match_key"].count("|") == 2 else "",
                   row["match_key"].partition("#")[2])
            natural[row["id"]] = key
            rows.append((key, tuple(row[name] for name in FIELDS), repr(sorted((row["attributes"] or {}).items()))))
        every = all_rows()
        provenance = sorted((natural[m], source, mask, repr(sorted((dissent or {}).items())))
                            for m, source, mask, dissent in conn.execute(
                                select(every.c.match_id, every.c.source, every.c.fields, every.c.dissent)))
        conflicts = sorted((natural[r.match_id], r.field, r.chosen_source, r.chosen_value, r.other_source,
                            r.other_value, r.resolved_at is None) for r in conn.execute(select(match_conflicts)))
        ext = sorted((r.source, r.entity, r.external_id,
                      names.get(r.internal_id) if r.entity == "team" else codes.get(r.internal_id))
                     for r in conn.execute(select(external_ids)))
        aliases = sorted((r.scope, r.normalized, names[r.team_id]) for r in conn.execute(select(team_aliases)))
        team_rows = sorted((r.name, r.country or "", r.name_source or "") for r in conn.execute(select(teams)))
    return {"matches": sorted(rows, key=repr), "provenance": provenance, "conflicts": conflicts,
            "external_ids": ext, "aliases": aliases, "teams": team_rows}
