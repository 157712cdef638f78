"""Read queries of the match centre: shots, player figures, formations of a match; a player's matches; player
search by any name a source gave."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, or_, select, union

from matchday.domain.names import normalise_team_name
from matchday.store.match_queries import _base
from matchday.store.schema import (
    match_events,
    match_formations,
    match_lineups,
    matches,
    player_match_stats,
    players,
    shots,
    teams,
)


def shots_by_source(conn: Connection, match_id: int) -> dict[str, list[dict[str, Any]]]:
    """Each source's shots of the match, in its order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(select(shots).where(shots.c.match_id == match_id).order_by(shots.c.source, shots.c.seq)
                            ).mappings():
        found.setdefault(row["source"], []).append(dict(row))
    return found


# built once, as match_queries' statements of a match page (``match_id`` bound at execution)
_PLAYER_STATS = (select(player_match_stats).where(player_match_stats.c.match_id == bindparam("match_id"))
                 .order_by(player_match_stats.c.side, player_match_stats.c.id))
_FORMATIONS = select(match_formations).where(match_formations.c.match_id == bindparam("match_id"))


def player_stats(conn: Connection, match_id: int) -> list[dict[str, Any]]:
    """Every source's per-player figures of the match."""
    return [dict(r) for r in conn.execute(_PLAYER_STATS, {"match_id": match_id}).mappings()]


def formations(conn: Connection, match_id: int) -> dict[str, dict[str, Any]]:
    return {r["side"]: dict(r) for r in conn.execute(_FORMATIONS, {"match_id": match_id}).mappings()}


def player_appearances(conn: Connection, player_id: int) -> dict[str, list[dict[str, Any]]]:
    """What the store holds of one player, match by match: lineup rows, player figures, events (each with its
    match id), and the summaries of those matches."""
    lineup_rows = [dict(r) for r in conn.execute(
        select(match_lineups.c.match_id, match_lineups.c.side, match_lineups.c.starter, match_lineups.c.position,
               match_lineups.c.shirt_number, match_lineups.c.player_name)
        .where(match_lineups.c.player_id == player_id)).mappings()]
    stat_rows = [dict(r) for r in conn.execute(
        select(player_match_stats).where(player_match_stats.c.player_id == player_id)).mappings()]
    event_rows = [dict(r) for r in conn.execute(
        select(match_events.c.match_id, match_events.c.type, match_events.c.side, match_events.c.minute,
               match_events.c.player_name)
        .where(match_events.c.player_id == player_id)).mappings()]
    match_ids = {r["match_id"] for r in (*lineup_rows, *stat_rows, *event_rows)}
    return {"lineups": lineup_rows, "stats": stat_rows, "events": event_rows,
            "matches": match_summaries(conn, sorted(match_ids))}


def match_summaries(conn: Connection, match_ids: Sequence[int]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(match_ids), 900):
        found += [dict(r._mapping) for r in conn.execute(_base().where(matches.c.id.in_(match_ids[start:start + 900])))]
    return sorted(found, key=lambda r: (r["match_date"] is None, r["match_date"], r["kickoff_utc"] or r["match_date"],
                                        r["id"]), reverse=True)


def substitutions(conn: Connection, match_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The substitution events of these matches (``player_name`` = "incoming for outgoing")."""
    if not match_ids:
        return []
    rows = conn.execute(select(match_events.c.match_id, match_events.c.side, match_events.c.minute,
                               match_events.c.added_minute, match_events.c.player_name)
                        .where(match_events.c.match_id.in_(list(match_ids)), match_events.c.type == "substitution")
                        .order_by(match_events.c.match_id, match_events.c.seq)).mappings()
    return [dict(r) for r in rows]


def _named(table: Table) -> list:
    """Rows whose ``player_name`` is the player's name (a substitution's is "incoming for outgoing")."""
    return [table.c.type != "substitution"] if table is match_events else []


def player_names(conn: Connection, player_id: int) -> list[str]:
    """Every name a source gave this player (lineups, figures, events, shots), the stored one first."""
    stored = conn.execute(select(players.c.name).where(players.c.id == player_id)).scalar()
    names = set(conn.execute(union(*(select(t.c.player_name).where(t.c.player_id == player_id, *_named(t))
                                     for t in (match_lineups, player_match_stats, match_events, shots)))).scalars())
    return [stored, *sorted(n for n in names if n and n != stored)] if stored else sorted(n for n in names if n)


def search_players(conn: Connection, text: str, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Players whose stored name (accents and case folded) or any name a source gave them contains ``text``."""
    needle, lowered = normalise_team_name(text), text.lower()
    aliased_ids = union(*(select(t.c.player_id).where(t.c.player_id.is_not(None), *_named(t),
                                                       func.lower(t.c.player_name).contains(lowered))
                          for t in (match_lineups, player_match_stats, match_events)))
    query = (select(players.c.id, players.c.name, players.c.team_id, teams.c.name.label("team_name"))
             .outerjoin(teams, teams.c.id == players.c.team_id)
             .where(or_(players.c.normalized.contains(needle) if needle else False,
                        players.c.id.in_(select(aliased_ids.subquery().c.player_id)))))
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.order_by(players.c.name, players.c.id).limit(limit).offset(offset)).mappings()
    return [dict(r) for r in rows], total
