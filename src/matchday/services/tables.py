"""League tables and position histories for a competition season, per its rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from matchday.catalog import rules_for
from matchday.domain.records import Side
from matchday.domain.standings import TableRow, compute_table, position_history
from matchday.store import queries


@dataclass(frozen=True)
class LeagueTable:
    league_id: int
    league_code: str
    league_name: str
    season: str
    rows: list[dict[str, Any]]
    matches_counted: int


def league_table(conn: Connection, league: str, season: str, *, as_of: date | None = None,
                 up_to_round: int | None = None, venue: Side | None = None, live: bool = False) -> LeagueTable:
    """The table; ``live`` counts matches in play at their current score."""
    comp, label, season_id = queries.find_competition_season(conn, league, season)
    results = queries.table_results(conn, season_id, include_live=live)
    names = queries.season_teams(conn, season_id)
    rules, deductions = rules_for(comp.code, label), queries.season_deductions(conn, season_id)
    groups = queries.season_groups(conn, season_id)
    rows = compute_table(results, names, rules, deductions, as_of=as_of, up_to_round=up_to_round, venue=venue,
                         team_names=names, groups=groups)
    counted = [r for r in results if (as_of is None or r.match_date <= as_of)]
    previous: dict[int, int] = {}
    if counted and up_to_round is None:
        last_day = max(r.match_date for r in counted)
        before = compute_table(results, names, rules, deductions, as_of=last_day - timedelta(days=1), venue=venue,
                               team_names=names, groups=groups)
        if any(r.played for r in before):
            previous = {r.team_id: r.position for r in before}
    return LeagueTable(comp.id, comp.code, comp.name, label, [_row(r, names, previous) for r in rows],
                       len(counted))


def _row(row: TableRow, names: dict[int, str], previous: dict[int, int]) -> dict[str, Any]:
    data = asdict(row)
    data["team_name"] = names.get(row.team_id, str(row.team_id))
    data["movement"] = previous[row.team_id] - row.position if row.team_id in previous else None
    return data


def season_position_history(conn: Connection, league: str, season: str) -> dict[str, Any]:
    comp, label, season_id = queries.find_competition_season(conn, league, season)
    names = queries.season_teams(conn, season_id)
    history = position_history(queries.table_results(conn, season_id), names, rules_for(comp.code, label),
                               queries.season_deductions(conn, season_id), team_names=names,
                               groups=queries.season_groups(conn, season_id))
    return {"league_id": comp.id, "season": label,
            "dates": [day.isoformat() for day, _ in history],
            "teams": {names[t]: [positions[t] for _, positions in history] for t in names}}
