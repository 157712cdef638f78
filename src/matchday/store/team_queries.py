"""Read queries about leagues, teams and players for the API and web pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, bindparam, case, exists, func, select

from matchday.domain.names import normalise_team_name
from matchday.errors import NotFound
from matchday.store.keys import as_internal_id
from matchday.store.queries import competition_by_code
from matchday.store.schema import (
    competitions,
    external_ids,
    match_events,
    match_lineups,
    matches,
    players,
    seasons,
    team_aliases,
    teams,
)

GOAL_TYPES = ("goal", "penalty_goal")


# built once (``match_queries`` says why): every league page reads these
_LEAGUE_BY_ID = select(competitions).where(competitions.c.id == bindparam("key"))
_LATEST_SEASON = select(func.max(seasons.c.label)).where(
    seasons.c.competition_id == bindparam("competition_id"), exists().where(matches.c.season_id == seasons.c.id))


def league_by_id_or_code(conn: Connection, key: str) -> Row:
    key_id = as_internal_id(key)
    row = conn.execute(_LEAGUE_BY_ID, {"key": key_id}).first() if key_id is not None \
        else competition_by_code(conn, key)
    if row is None:
        raise NotFound(f"no league {key!r}")
    return row


def list_leagues(conn: Connection, country: str | None, kind: str | None, search: str | None, limit: int,
                 offset: int) -> tuple[list[dict[str, Any]], int]:
    match_count = (select(matches.c.competition_id, func.count().label("matches"),
                          func.max(seasons.c.label).label("latest_season"))
                   .join(seasons, seasons.c.id == matches.c.season_id)
                   .group_by(matches.c.competition_id).subquery())
    query = (select(competitions, func.coalesce(match_count.c.matches, 0).label("matches"),
                    match_count.c.latest_season)
             .outerjoin(match_count, match_count.c.competition_id == competitions.c.id))
    if country:
        query = query.where(func.lower(competitions.c.country) == country.lower())
    if kind:
        query = query.where(competitions.c.kind == kind)
    if search:
        query = query.where(func.lower(competitions.c.name).contains(search.lower())
                            | func.lower(competitions.c.code).contains(search.lower()))
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(competitions.c.kind.desc(), competitions.c.country, competitions.c.code)
                        .limit(limit).offset(offset)).mappings()
    return [dict(r) for r in rows], total


def latest_season(conn: Connection, competition_id: int) -> str | None:
    """The newest season label with matches (``league_seasons``' first, without counting every match)."""
    return conn.execute(_LATEST_SEASON, {"competition_id": competition_id}).scalar()


def league_seasons(conn: Connection, competition_id: int) -> list[dict[str, Any]]:
    """Seasons with matches, newest first."""
    rows = conn.execute(
        select(seasons.c.id, seasons.c.label, func.count(matches.c.id).label("matches"),
               func.sum(case((matches.c.home_goals.is_not(None), 1), else_=0)).label("played"),
               func.min(matches.c.match_date).label("first_match"), func.max(matches.c.match_date).label("last_match"))
        .outerjoin(matches, matches.c.season_id == seasons.c.id)
        .where(seasons.c.competition_id == competition_id)
        .group_by(seasons.c.id, seasons.c.label).having(func.count(matches.c.id) > 0)  # not deduction-only ones
        .order_by(seasons.c.label.desc()))
    return [dict(r._mapping) for r in rows]


def top_scorers(conn: Connection, season_id: int, limit: int) -> list[dict[str, Any]]:
    goals = func.count(match_events.c.id)
    rows = conn.execute(
        select(match_events.c.player_id, players.c.name, players.c.team_id, teams.c.name.label("team_name"),
               goals.label("goals"),
               func.sum(case((match_events.c.type == "penalty_goal", 1), else_=0)).label("penalties"))
        .join(matches, matches.c.id == match_events.c.match_id)
        .join(players, players.c.id == match_events.c.player_id)
        .outerjoin(teams, teams.c.id == players.c.team_id)
        .where(matches.c.season_id == season_id, match_events.c.type.in_(GOAL_TYPES))
        .group_by(match_events.c.player_id, players.c.name, players.c.team_id, teams.c.name)
        .order_by(goals.desc(), players.c.name).limit(limit))
    return [dict(r._mapping) for r in rows]


def search_teams(conn: Connection, search: str | None, limit: int, offset: int) -> tuple[list[dict], int]:
    query = select(teams.c.id, teams.c.name, teams.c.country)
    if search:
        needle = normalise_team_name(search)
        ids = select(team_aliases.c.team_id).where(team_aliases.c.normalized.contains(needle))
        query = query.where(teams.c.id.in_(ids) | func.lower(teams.c.name).contains(search.lower()))
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(teams.c.name, teams.c.id).limit(limit).offset(offset)).mappings()
    return [dict(r) for r in rows], total


def team(conn: Connection, team_id: int) -> dict[str, Any]:
    row = conn.execute(select(teams.c.id, teams.c.name, teams.c.country)
                       .where(teams.c.id == team_id)).mappings().first()
    if row is None:
        raise NotFound(f"no team with id {team_id}")
    ext = conn.execute(select(external_ids.c.source, external_ids.c.external_id)
                       .where(external_ids.c.entity == "team", external_ids.c.internal_id == team_id)
                       .order_by(external_ids.c.source)).mappings()
    aliases = conn.execute(select(team_aliases.c.alias).where(team_aliases.c.team_id == team_id)
                           .order_by(team_aliases.c.alias)).scalars()
    return {**row, "external_ids": [dict(e) for e in ext], "aliases": list(aliases)}


def team_by_external_id(conn: Connection, source: str, external_id: str) -> int:
    found = conn.execute(select(external_ids.c.internal_id).where(
        external_ids.c.source == source, external_ids.c.entity == "team",
        external_ids.c.external_id == external_id)).scalar()
    if found is None:
        raise NotFound(f"no team with {source} id {external_id!r}")
    return found


def team_seasons(conn: Connection, team_id: int) -> list[dict[str, Any]]:
    """(league, season) pairs the team played in, newest first."""
    involved = (matches.c.home_team_id == team_id) | (matches.c.away_team_id == team_id)
    rows = conn.execute(select(competitions.c.id, competitions.c.code, competitions.c.name, seasons.c.label,
                               func.max(matches.c.match_date).label("last"))
                        .join(seasons, seasons.c.id == matches.c.season_id)
                        .join(competitions, competitions.c.id == matches.c.competition_id)
                        .where(involved).group_by(competitions.c.id, competitions.c.code, competitions.c.name,
                                                  seasons.c.label)
                        .order_by(func.max(matches.c.match_date).desc()))
    return [dict(r._mapping) for r in rows]


def squad(conn: Connection, team_id: int) -> list[dict[str, Any]]:
    appearances = func.count(match_lineups.c.id)
    rows = conn.execute(
        select(players.c.id, players.c.name, func.max(match_lineups.c.position).label("position"),
               func.max(match_lineups.c.shirt_number).label("shirt_number"), appearances.label("appearances"))
        .outerjoin(match_lineups, match_lineups.c.player_id == players.c.id)
        .where(players.c.team_id == team_id)
        .group_by(players.c.id, players.c.name).order_by(func.max(match_lineups.c.shirt_number), players.c.name))
    return [dict(r._mapping) for r in rows]


def player(conn: Connection, player_id: int) -> dict[str, Any]:
    row = conn.execute(select(players.c.id, players.c.name, players.c.team_id, teams.c.name.label("team_name"))
                       .outerjoin(teams, teams.c.id == players.c.team_id)
                       .where(players.c.id == player_id)).mappings().first()
    if row is None:
        raise NotFound(f"no player with id {player_id}")
    return dict(row)


def player_season_stats(conn: Connection, player_id: int, season: str | None) -> list[dict[str, Any]]:
    """Per league season: goals, penalties, own goals, cards, appearances and starts."""
    event_count = {kind: func.sum(case((match_events.c.type == kind, 1), else_=0)) for kind in
                   ("goal", "penalty_goal", "own_goal", "yellow", "red")}
    query = (select(competitions.c.code, competitions.c.name, seasons.c.label,
                    *(value.label(kind) for kind, value in event_count.items()))
             .select_from(match_events)
             .join(matches, matches.c.id == match_events.c.match_id)
             .join(seasons, seasons.c.id == matches.c.season_id)
             .join(competitions, competitions.c.id == matches.c.competition_id)
             .where(match_events.c.player_id == player_id)
             .group_by(competitions.c.code, competitions.c.name, seasons.c.label))
    if season:
        query = query.where(seasons.c.label == season)
    by_key = {(r.code, r.label): dict(r._mapping) for r in conn.execute(query)}
    apps = (select(competitions.c.code, competitions.c.name, seasons.c.label,
                   func.count().label("appearances"),
                   func.sum(case((match_lineups.c.starter, 1), else_=0)).label("starts"))
            .select_from(match_lineups)
            .join(matches, matches.c.id == match_lineups.c.match_id)
            .join(seasons, seasons.c.id == matches.c.season_id)
            .join(competitions, competitions.c.id == matches.c.competition_id)
            .where(match_lineups.c.player_id == player_id)
            .group_by(competitions.c.code, competitions.c.name, seasons.c.label))
    if season:
        apps = apps.where(seasons.c.label == season)
    for row in conn.execute(apps):
        entry = by_key.setdefault((row.code, row.label), {"code": row.code, "name": row.name, "label": row.label})
        entry.update(appearances=row.appearances, starts=row.starts)
    return [by_key[k] for k in sorted(by_key, key=lambda k: k[1], reverse=True)]


def short_names(conn: Connection) -> dict[str, str]:
    """Every team's name -> its short name for terminal tables (the shortest name a source calls it)."""
    from matchday.domain.short_names import short_team_name

    known: dict[int, tuple[str, list[str]]] = {
        team_id: (name, []) for team_id, name in conn.execute(select(teams.c.id, teams.c.name))}
    for team_id, alias in conn.execute(select(team_aliases.c.team_id, team_aliases.c.alias)):
        if team_id in known:
            known[team_id][1].append(alias)
    return {name: short_team_name(name, aliases) for name, aliases in known.values()}
