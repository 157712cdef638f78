"""Merge two teams that are one club (a wrong split): everything of the second is re-pointed to the first."""

from __future__ import annotations

import re

from sqlalchemy import Connection, delete, select, update

from matchday.errors import Conflict
from matchday.store.match_writes import UPDATABLE
from matchday.store.provenance_rows import materialise
from matchday.store.reference_writes import repoint_player, repoint_team
from matchday.store.schema import (
    external_ids,
    match_events,
    match_lineups,
    match_sources,
    matches,
    odds_quotes,
    players,
    point_deductions,
    team_aliases,
    team_match_stats,
    team_profiles,
    teams,
)

_KEY = re.compile(r"^(?P<prefix>.*\|)(?P<home>\d+)-(?P<away>\d+)(?P<suffix>#\d+)?$")


def _rekey(key: str, drop_id: int, keep_id: int) -> str:
    parts = _KEY.match(key)
    if parts is None:
        raise Conflict(f"unexpected match key {key!r}")
    home = keep_id if int(parts["home"]) == drop_id else int(parts["home"])
    away = keep_id if int(parts["away"]) == drop_id else int(parts["away"])
    return f"{parts['prefix']}{home}-{away}{parts['suffix'] or ''}"


def merge_teams(conn: Connection, keep_id: int, drop_id: int) -> dict[str, int]:
    if keep_id == drop_id:
        raise Conflict("cannot merge a team into itself")
    for team_id in (keep_id, drop_id):
        if conn.execute(select(teams.c.id).where(teams.c.id == team_id)).first() is None:
            raise Conflict(f"no team with id {team_id}")
    moved = merged = 0
    rows = conn.execute(select(matches).where(
        (matches.c.home_team_id == drop_id) | (matches.c.away_team_id == drop_id))).mappings().all()
    for row in rows:
        key = _rekey(row["match_key"], drop_id, keep_id)
        twin = conn.execute(select(matches).where(matches.c.season_id == row["season_id"],
                                                  matches.c.match_key == key,
                                                  matches.c.id != row["id"])).mappings().first()
        if twin is None:
            conn.execute(update(matches).where(matches.c.id == row["id"]).values(
                match_key=key, content_hash=None,  # the hash covers the old key and team (store.content_hash)
                home_team_id=keep_id if row["home_team_id"] == drop_id else row["home_team_id"],
                away_team_id=keep_id if row["away_team_id"] == drop_id else row["away_team_id"]))
            moved += 1
            continue
        # the same match stored twice under the two names: keep one, fill its gaps, move its children
        materialise(conn, [row["id"], twin["id"]])  # their provenance as match_sources rows, moved below
        fill = {name: row[name] for name in UPDATABLE if twin[name] is None and row[name] is not None}
        conn.execute(update(matches).where(matches.c.id == twin["id"]).values(**fill, content_hash=None))
        for child in (match_events, match_lineups, team_match_stats, odds_quotes):
            has_own = conn.execute(select(child.c.match_id).where(child.c.match_id == twin["id"])).first()
            if has_own is None:
                conn.execute(update(child).where(child.c.match_id == row["id"]).values(match_id=twin["id"]))
        twin_sources = set(conn.execute(select(match_sources.c.source)
                                        .where(match_sources.c.match_id == twin["id"])).scalars())
        # provenance of the sources only the dropped copy had (their dissent is re-derived at their next load)
        conn.execute(update(match_sources).where(match_sources.c.match_id == row["id"],
                                                 match_sources.c.source.not_in(sorted(twin_sources)))
                     .values(match_id=twin["id"]))
        conn.execute(delete(matches).where(matches.c.id == row["id"]))
        merged += 1
    keep_aliases = set(conn.execute(select(team_aliases.c.scope, team_aliases.c.normalized)
                                    .where(team_aliases.c.team_id == keep_id)).all())
    for alias_id, scope, normalized in conn.execute(select(team_aliases.c.id, team_aliases.c.scope,
                                                           team_aliases.c.normalized)
                                                    .where(team_aliases.c.team_id == drop_id)).all():
        if (scope, normalized) in keep_aliases:
            conn.execute(delete(team_aliases).where(team_aliases.c.id == alias_id))
    conn.execute(update(team_aliases).where(team_aliases.c.team_id == drop_id).values(team_id=keep_id))
    conn.execute(update(external_ids).where(external_ids.c.entity == "team", external_ids.c.internal_id == drop_id)
                 .values(internal_id=keep_id))
    keep_players = dict(conn.execute(select(players.c.normalized, players.c.id)
                                     .where(players.c.team_id == keep_id)).all())
    for player_id, normalized in conn.execute(select(players.c.id, players.c.normalized)
                                              .where(players.c.team_id == drop_id)).all():
        if normalized in keep_players:
            for child in (match_events, match_lineups):
                conn.execute(update(child).where(child.c.player_id == player_id)
                             .values(player_id=keep_players[normalized]))
            repoint_player(conn, keep_players[normalized], player_id)
            conn.execute(delete(players).where(players.c.id == player_id))
    conn.execute(update(players).where(players.c.team_id == drop_id).values(team_id=keep_id))
    conn.execute(update(point_deductions).where(point_deductions.c.team_id == drop_id).values(team_id=keep_id))
    # profiles: a source's profile of the dropped team moves over unless the kept team has that source's own
    kept_sources = set(conn.execute(select(team_profiles.c.source).where(team_profiles.c.team_id == keep_id)).scalars())
    conn.execute(update(team_profiles).where(team_profiles.c.team_id == drop_id,
                                             team_profiles.c.source.not_in(kept_sources)).values(team_id=keep_id))
    repoint_team(conn, keep_id, drop_id)
    conn.execute(delete(teams).where(teams.c.id == drop_id))
    return {"matches_moved": moved, "matches_merged": merged}


def seasons_of(conn: Connection, team_id: int) -> set[int]:
    """The seasons a team has matches in (whose results a merge may have moved)."""
    return set(conn.execute(select(matches.c.season_id).where(
        (matches.c.home_team_id == team_id) | (matches.c.away_team_id == team_id)).distinct()).scalars())
