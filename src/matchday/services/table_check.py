"""Where the table matchday computes from results and a provider's published table disagree.

Rows are matched by team (identity resolution made the provider's team one of ours); a team present in only one
table is a disagreement too. Positions count within a group in seasons played in groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from matchday.errors import NotFound
from matchday.services.tables import league_table
from matchday.store import queries
from matchday.store.published_queries import published_tables

COMPARED = ("position", "played", "won", "drawn", "lost", "goals_for", "goals_against", "goal_difference", "points")


@dataclass(frozen=True)
class TableCheck:
    source: str
    published_at: str | None  # the provider's own "as of" stamp of its table, where it gives one
    rows_compared: int
    differences: list[dict[str, Any]] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "published_at": self.published_at, "rows_compared": self.rows_compared,
                "agrees": self.agrees, "differences": self.differences}


def check_table(conn: Connection, league: str, season: str, source: str | None = None) -> list[TableCheck]:
    """One check per provider that published this season's table (NotFound when none did)."""
    comp, label, season_id = queries.find_competition_season(conn, league, season)
    tables = published_tables(conn, season_id, source)
    if not tables:
        which = f"{source} has" if source else "no provider has"
        raise NotFound(f"{which} published a table of {comp.code} {label}" if source else
                       f"{which} published a table of {comp.code} {label}; load a provider's standings first")
    computed = {row["team_id"]: row for row in league_table(conn, comp.code, label).rows}
    checks = []
    for name, rows in tables.items():
        differences = []
        seen = set()
        for row in rows:
            seen.add(row["team_id"])
            ours = computed.get(row["team_id"])
            if ours is None:
                differences.append({"team_id": row["team_id"], "team_name": row["team_name"],
                                    "fields": {"team": {"computed": None, "published": row["team_name"]}}})
                continue
            fields = {f: {"computed": ours[f], "published": row[f]} for f in COMPARED
                      if row[f] is not None and ours[f] != row[f]}
            if fields:
                differences.append({"team_id": row["team_id"], "team_name": ours["team_name"], "fields": fields})
        for team_id, ours in computed.items():
            if team_id not in seen:
                differences.append({"team_id": team_id, "team_name": ours["team_name"],
                                    "fields": {"team": {"computed": ours["team_name"], "published": None}}})
        stamps = [r["provider_updated_at"] for r in rows if r["provider_updated_at"]]
        checks.append(TableCheck(name, max(stamps).isoformat() if stamps else None, len(rows), differences))
    return checks
