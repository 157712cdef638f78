"""League tables and position histories for a competition season, per its rules."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from matchday.catalog import rules_for, season_rules
from matchday.domain.records import Side
from matchday.domain.season_phases import conferences_from_schedule
from matchday.domain.standings import TableRow, compute_table, position_history
from matchday.errors import NotFound
from matchday.store import format_queries, queries


@dataclass(frozen=True)
class LeagueTable:
    league_id: int
    league_code: str
    league_name: str
    season: str
    rows: list[dict[str, Any]]
    matches_counted: int
    status: str | None = None  # "curtailed" (ranked as it stood or by points per game) or "void"
    note: str | None = None  # how the competition decided the season, where it is not the plain table
    ranking: str = "points"  # or "points_per_game"


def league_table(conn: Connection, league: str, season: str, *, as_of: date | None = None,
                 up_to_round: int | None = None, venue: Side | None = None, live: bool = False) -> LeagueTable:
    """The table; ``live`` counts matches in play at their current score."""
    comp, label, season_id = queries.find_competition_season(conn, league, season)
    inputs = queries.season_inputs(conn, season_id, include_live=live)
    results, names, groups = inputs.results, inputs.names, inputs.groups
    rules, deductions = rules_for(comp.code, label), queries.season_deductions(conn, season_id)
    extra = season_rules(comp.code, label)
    conferences = _conferences(conn, season_id, extra, names)
    rows = compute_table(results, names, rules, deductions, as_of=as_of, up_to_round=up_to_round, venue=venue,
                         team_names=names, groups=groups, conferences=conferences)
    if extra.get("playoffs") and venue is None and up_to_round is None and not rules.void:
        rows = _mark_playoff_winner(conn, season_id, label, extra["playoffs"], rows, as_of)
    counted = [r for r in results if (as_of is None or r.match_date <= as_of)]
    previous: dict[int, int] = {}
    if counted and up_to_round is None:
        last_day = max(r.match_date for r in counted)
        before = compute_table(results, names, rules, deductions, as_of=last_day - timedelta(days=1), venue=venue,
                               team_names=names, groups=groups)
        if any(r.played for r in before):
            previous = {r.team_id: r.position for r in before}
    return LeagueTable(comp.id, comp.code, comp.name, label, [_row(r, names, previous) for r in rows],
                       len(counted), status=extra.get("status"), note=extra.get("note"), ranking=rules.ranking)


def _conferences(conn: Connection, season_id: int, extra: dict[str, Any], names: dict[int, str]) -> dict[int, str]:
    """Team → conference, for a competition whose data names conferences: as the source gave it, else read
    off the schedule (teams meet their own conference more often), named by the anchor teams."""
    if not extra.get("conferences"):
        return {}
    given = format_queries.season_conferences(conn, season_id)
    if given:
        return given
    anchors: dict[str, set[int]] = {}
    for conference, team_names in extra["conferences"].items():
        anchors[conference] = set()
        for name in team_names:
            try:
                anchors[conference].add(queries.find_team(conn, name))
            except NotFound:
                continue
    return conferences_from_schedule(format_queries.season_pairings(conn, season_id), anchors)


def _mark_playoff_winner(conn: Connection, season_id: int, label: str, spec: dict[str, Any], rows: list[TableRow],
                         as_of: date | None) -> list[TableRow]:
    """The play-off winner's zone becomes ``spec["winner_zone"]`` once the final is played (as of the date)."""
    found = format_queries.playoff_winner(conn, season_id, label, spec)
    if found is None or (as_of is not None and found[1] > as_of):
        return rows
    winner = found[0]
    return [replace(r, zone=spec["winner_zone"]) if r.team_id == winner and r.zone == spec["zone"] else r
            for r in rows]


ROW_FIELDS = ("position", "movement", "team_id", "team_name", "played", "won", "drawn", "lost", "goals_for",
              "goals_against", "goal_difference", "points", "points_deducted", "form", "zone", "decided_by", "group",
              "split", "points_per_game", "conference", "conference_position")


def standing_row(row: dict[str, Any]) -> dict[str, Any]:
    """A table row as every face shows it (REST table, live snapshot, ``table_update``, MCP, pages): one shape."""
    data = {key: row.get(key) for key in ROW_FIELDS}
    data["team"] = {"id": row["team_id"], "name": row["team_name"]}
    return data


_TABLE_ROW_FIELDS = tuple(f.name for f in fields(TableRow))


def _row(row: TableRow, names: dict[int, str], previous: dict[int, int]) -> dict[str, Any]:
    # every field is a scalar: a plain read of each (``asdict`` deep-copied each value, a fifth of an as-of table)
    data = {name: getattr(row, name) for name in _TABLE_ROW_FIELDS}
    data["team_name"] = names.get(row.team_id, str(row.team_id))
    data["movement"] = previous[row.team_id] - row.position if row.team_id in previous else None
    return data


def season_position_history(conn: Connection, league: str, season: str) -> dict[str, Any]:
    comp, label, season_id = queries.find_competition_season(conn, league, season)
    inputs = queries.season_inputs(conn, season_id)
    names = inputs.names
    history = position_history(inputs.results, names, rules_for(comp.code, label),
                               queries.season_deductions(conn, season_id), team_names=names, groups=inputs.groups)
    return {"league_id": comp.id, "season": label,
            "dates": [day.isoformat() for day, _ in history],
            "teams": {names[t]: [positions[t] for _, positions in history] for t in names}}
