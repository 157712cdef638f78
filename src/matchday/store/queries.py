"""Read queries used by the CLI (and later the API): all SQL of the read side lives here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from matchday.domain.names import normalise_team_name
from matchday.domain.records import COUNTED_STATUSES
from matchday.domain.seasons import normalise_season
from matchday.domain.standings import Deduction, Result
from matchday.errors import NotFound
from matchday.store.keys import as_internal_id
from matchday.store.live_watch import flagged
from matchday.store.provenance_queries import open_conflicts
from matchday.store.schema import (
    competitions,
    external_ids,
    job_runs,
    load_runs,
    matches,
    point_deductions,
    quarantined_rows,
    seasons,
    team_aliases,
    teams,
)

# the statements of every table and season page, built once (``match_queries`` says why); values bound at execution
_COMPETITION_BY_CODE = select(competitions).where(competitions.c.code == bindparam("code"))
_SEASON_ID = select(seasons.c.id).where(seasons.c.competition_id == bindparam("competition_id"),
                                        seasons.c.label == bindparam("label"))
_SEASON_MATCHES = select(
    matches.c.id, matches.c.match_date, matches.c.round_number, matches.c.home_team_id, matches.c.away_team_id,
    matches.c.home_goals, matches.c.away_goals, matches.c.status, matches.c.attributes["group"].as_string(),
).where(matches.c.season_id == bindparam("season_id"), matches.c.stage == "regular")
_TEAM_NAMES = select(teams.c.id, teams.c.name).where(teams.c.id.in_(bindparam("team_ids", expanding=True)))
_DEDUCTIONS = select(point_deductions.c.team_id, point_deductions.c.points, point_deductions.c.effective_date,
                     point_deductions.c.reason).where(point_deductions.c.season_id == bindparam("season_id"))


def competition_by_code(conn: Connection, code: str) -> Row | None:
    """By canonical code (``eng.1``) or any provider's own code (``E0``, ``en.1``); None when neither."""
    row = conn.execute(_COMPETITION_BY_CODE, {"code": code}).first()
    if row is None:
        comp_id = conn.execute(select(external_ids.c.internal_id).where(
            external_ids.c.entity == "competition", external_ids.c.external_id == code)).scalars().first()
        if comp_id is not None:
            row = conn.execute(select(competitions).where(competitions.c.id == comp_id)).first()
    return row


def find_competition(conn: Connection, code: str) -> Row:
    """``competition_by_code``, or NotFound."""
    row = competition_by_code(conn, code)
    if row is None:
        raise NotFound(f"no league {code!r} in the store (load it first; `matchday status` lists what is loaded)")
    return row


def find_season(conn: Connection, competition_id: int, label: str) -> int:
    season_id = conn.execute(_SEASON_ID, {"competition_id": competition_id, "label": label}).scalar()
    if season_id is None:
        known = conn.execute(select(seasons.c.label).where(seasons.c.competition_id == competition_id)
                             .order_by(seasons.c.label)).scalars().all()
        raise NotFound(f"no season {label!r} for this league; loaded seasons: {', '.join(known) or 'none'}")
    return season_id


def find_competition_season(conn: Connection, league: str, season: str) -> tuple[Row, str, int]:
    """(competition row, normalised season label, season id) for a user's league and season arguments."""
    comp = find_competition(conn, league)
    try:
        label = normalise_season(season, calendar_year=comp.calendar_year)
    except ValueError as exc:
        raise NotFound(str(exc)) from None
    return comp, label, find_season(conn, comp.id, label)


LIVE_STATUSES = ("live", "halftime")


def counted_statuses(include_live: bool) -> list[str]:
    """The statuses whose matches (with a score) count in a table: finished or awarded; with ``include_live``,
    matches in play too, at their current score (the live table)."""
    return [s.value for s in COUNTED_STATUSES] + (list(LIVE_STATUSES) if include_live else [])


def table_results(conn: Connection, season_id: int, include_live: bool = False) -> list[Result]:
    """Counted matches of the regular stage (``counted_statuses``, with a score)."""
    statuses = counted_statuses(include_live)
    rows = conn.execute(select(
        matches.c.id, matches.c.match_date, matches.c.round_number, matches.c.home_team_id,
        matches.c.away_team_id, matches.c.home_goals, matches.c.away_goals,
    ).where(matches.c.season_id == season_id, matches.c.stage == "regular",
            matches.c.status.in_(statuses), matches.c.home_goals.is_not(None)))
    return [Result(r[0], r[1] or date.max, r[2], r[3], r[4], r[5], r[6]) for r in rows]


@dataclass(frozen=True)
class SeasonInputs:
    """What a season's table is computed from, read in one scan of its regular-stage matches."""

    results: list[Result]  # as ``table_results``
    names: dict[int, str]  # every team with a regular-stage match in the season, played or not
    groups: dict[int, str]  # team → group, for a season played in parallel groups (``attributes.group``)


def season_inputs(conn: Connection, season_id: int, include_live: bool = False) -> SeasonInputs:
    counted = set(counted_statuses(include_live))
    rows = conn.execute(_SEASON_MATCHES, {"season_id": season_id}).all()
    results, team_ids, groups = [], set(), {}
    for match_id, day, round_number, home, away, home_goals, away_goals, status, group in rows:
        team_ids.update((home, away))
        if group:
            groups[home] = groups[away] = group
        if status in counted and home_goals is not None:
            results.append(Result(match_id, day or date.max, round_number, home, away, home_goals, away_goals))
    names = dict(conn.execute(_TEAM_NAMES, {"team_ids": sorted(team_ids)}).all()) if team_ids else {}
    return SeasonInputs(results, names, groups)


def season_teams(conn: Connection, season_id: int) -> dict[int, str]:
    """Every team with a regular-stage match in the season (played or not)."""
    ids = select(matches.c.home_team_id.label("team_id")).where(
        matches.c.season_id == season_id, matches.c.stage == "regular").union(
        select(matches.c.away_team_id).where(matches.c.season_id == season_id, matches.c.stage == "regular")
    ).subquery()
    return dict(conn.execute(select(teams.c.id, teams.c.name).where(teams.c.id.in_(select(ids.c.team_id)))).all())


def season_deductions(conn: Connection, season_id: int) -> list[Deduction]:
    return [Deduction(*row) for row in conn.execute(_DEDUCTIONS, {"season_id": season_id})]


def fixtures(conn: Connection, season_id: int, team_id: int | None = None) -> Sequence[Row]:
    home, away = aliased(teams), aliased(teams)
    query = (select(matches.c.id, matches.c.match_date, matches.c.kickoff_utc, matches.c.round,
                    matches.c.stage, matches.c.status, home.c.name.label("home"), away.c.name.label("away"),
                    matches.c.home_goals, matches.c.away_goals, matches.c.home_goals_ht, matches.c.away_goals_ht)
             .join(home, home.c.id == matches.c.home_team_id).join(away, away.c.id == matches.c.away_team_id)
             .where(matches.c.season_id == season_id)
             .order_by(matches.c.match_date, matches.c.kickoff_utc, matches.c.id))
    if team_id is not None:
        query = query.where(or_(matches.c.home_team_id == team_id, matches.c.away_team_id == team_id))
    return conn.execute(query).all()


def find_team(conn: Connection, text: str) -> int:
    """A team by id, exact name, or any alias (normalised)."""
    team_id = as_internal_id(text)
    if team_id is not None:
        if conn.execute(select(teams.c.id).where(teams.c.id == team_id)).first():
            return team_id
        raise NotFound(f"no team with id {text}")
    found = set(conn.execute(select(team_aliases.c.team_id)
                             .where(team_aliases.c.normalized == normalise_team_name(text))).scalars())
    if len(found) == 1:
        return found.pop()
    if not found:
        raise NotFound(f"no team named {text!r}")
    raise NotFound(f"{text!r} names {len(found)} teams (ids {sorted(found)}); use the id")


def list_teams(conn: Connection, season_id: int | None = None) -> list[dict[str, Any]]:
    query = select(teams.c.id, teams.c.name, teams.c.country).order_by(teams.c.name)
    if season_id is not None:
        query = query.where(teams.c.id.in_(list(season_teams(conn, season_id))))
    rows = conn.execute(query).all()
    ext: dict[int, list[str]] = {}
    for source, external_id, internal_id in conn.execute(
            select(external_ids.c.source, external_ids.c.external_id, external_ids.c.internal_id)
            .where(external_ids.c.entity == "team", external_ids.c.internal_id.in_([r.id for r in rows]))):
        ext.setdefault(internal_id, []).append(f"{source}:{external_id}")
    return [{"id": r.id, "name": r.name, "country": r.country, "external_ids": sorted(ext.get(r.id, []))}
            for r in rows]


_UNKNOWN_CODE = re.compile(r"(unknown [^:]*?) for ([^:\s]+): (.+)$")


def unknown_codes(conn: Connection) -> list[dict[str, Any]]:
    """Codes a provider sent that its vocabulary does not list yet (each cost one quarantined record), most
    frequent first: what to add so nothing is lost next time."""
    found: dict[tuple[str, str, str, str], int] = {}
    rows = conn.execute(select(quarantined_rows.c.source, quarantined_rows.c.reason, func.count())
                        .where(quarantined_rows.c.reason.like("%unknown %"))
                        .group_by(quarantined_rows.c.source, quarantined_rows.c.reason))
    for source, reason, n in rows:
        match = _UNKNOWN_CODE.search(reason)
        if match:
            key = (source, match.group(2), match.group(3), match.group(1))
            found[key] = found.get(key, 0) + n
    return [{"source": s, "field": f, "code": c, "what": w, "records": n}
            for (s, f, c, w), n in sorted(found.items(), key=lambda item: (-item[1], item[0]))]


def status(conn: Connection, recent: int = 10) -> dict[str, Any]:
    """Counts, recent load and job runs, quarantine by file, matches the live scheduler flagged."""
    def count(table) -> int:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()

    runs = conn.execute(select(load_runs).order_by(load_runs.c.id.desc()).limit(recent)).mappings().all()
    quarantine = conn.execute(select(quarantined_rows.c.source, quarantined_rows.c.location, func.count())
                              .group_by(quarantined_rows.c.source, quarantined_rows.c.location)
                              .order_by(func.count().desc()).limit(recent)).all()
    return {
        "competitions": count(competitions), "seasons": count(seasons), "teams": count(teams),
        "matches": count(matches), "quarantined_rows": count(quarantined_rows),
        "interrupted_load_runs": conn.execute(select(func.count()).select_from(load_runs)
                                              .where(load_runs.c.status == "interrupted")).scalar_one(),
        "recent_load_runs": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()} for run in runs
        ],
        "quarantine_by_file": [{"source": s, "location": loc, "rows": n} for s, loc, n in quarantine],
        "unknown_codes": unknown_codes(conn),
        "recent_job_runs": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in run.items()}
            for run in conn.execute(select(job_runs).order_by(job_runs.c.id.desc()).limit(recent)).mappings()
        ],
        "flagged_matches": flagged(conn, recent),
        "open_conflicts": open_conflicts(conn),
    }
