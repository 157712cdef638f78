"""A match's child rows: events, lineups, team and player statistics, shots, odds (DESIGN.md §9).

Synced per match, replaced only where they differ from what is stored: events, lineups and team statistics are
one set per match owned by the most trusted source that gives them (team statistics merged figure by figure);
odds, shots and player statistics are kept per source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update

from matchday.domain.records import EventType, MatchRecord
from matchday.precedence import source_precedence
from matchday.store.bulk import bulk_insert
from matchday.store.identity import Resolver
from matchday.store.schema import (
    match_events,
    match_formations,
    match_lineups,
    odds_quotes,
    player_match_stats,
    shots,
    team_match_stats,
)

_CHUNK = 900  # bound parameters per IN (...) list, well under every driver's limit
EVENT_COLUMNS = ("seq", "type", "side", "minute", "added_minute", "player_id", "player_name")
STATS_FIGURES = ("shots", "shots_on_target", "corners", "fouls", "yellow_cards", "red_cards", "offsides", "woodwork",
                 "booking_points", "possession", "expected_goals", "passes", "passes_accurate", "saves",
                 "shots_off_target", "blocked_shots", "tackles")
STATS_COLUMNS = ("side", *STATS_FIGURES, "figure_sources")
SHOT_COLUMNS = ("source", "seq", "side", "minute", "player_id", "player_name", "x", "y", "xg", "result", "situation",
                "body_part", "assist_name")
PLAYER_STATS_COLUMNS = ("source", "side", "player_id", "player_name", "minutes", "position", "shirt_number",
                        "substitute", "rating", "goals", "assists", "shots", "shots_on_target", "expected_goals",
                        "expected_assists", "key_passes", "passes", "yellow_cards", "red_cards", "attributes")
LINEUP_COLUMNS = ("side", "player_id", "player_name", "starter", "position", "shirt_number", "grid")
FORMATION_COLUMNS = ("side", "formation", "coach_name")
ODDS_COLUMNS = ("source", "bookmaker", "market", "closing", "line", "price_home", "price_draw", "price_away",
                "price_over", "price_under")


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def person(item: Any) -> str:
    """The player an item names: a substitution's text is "incoming for outgoing", and it is the incoming
    player's event (never a player called "A for B")."""
    name = item.player_name
    if getattr(item, "type", None) is EventType.SUBSTITUTION and " for " in name:
        return name.split(" for ", 1)[0]
    return name


def sync_children(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord],
                   ids: list[tuple[int, int, int, int, str]], match_ids: list[int], source: str) -> set[int]:
    """Events, lineups, statistics, shots, player statistics and odds of each match: replaced where they differ
    from what is stored (and the source may replace them)."""
    wanted_players = {
        (person(item), ids[i][2] if item.side == "home" else ids[i][3])
        for i, rec in enumerate(records) for item in (*rec.events, *rec.lineups, *rec.shots, *rec.player_stats)
        if item.player_name
    }
    player_ids = resolver.players(wanted_players) if wanted_players else {}
    events: dict[int, list[tuple]] = {}
    lineups: dict[int, list[tuple]] = {}
    stats: dict[int, list[tuple]] = {}
    odds: dict[int, list[tuple]] = {}
    shot_rows: dict[int, list[tuple]] = {}
    player_rows: dict[int, list[tuple]] = {}
    formations: dict[int, list[tuple]] = {}
    for i, rec in enumerate(records):
        match_id = match_ids[i]
        team_of = {"home": ids[i][2], "away": ids[i][3]}
        if rec.shots:
            shot_rows[match_id] = [
                (source, seq, s.side.value, s.minute, player_ids.get((s.player_name, team_of[s.side]))
                 if s.player_name else None, s.player_name, s.x, s.y, s.xg, s.result, s.situation, s.body_part,
                 s.assist_name) for seq, s in enumerate(rec.shots, start=1)]
        if rec.player_stats:
            player_rows[match_id] = [
                (source, p.side.value, player_ids.get((p.player_name, team_of[p.side])), p.player_name, p.minutes,
                 p.position, p.shirt_number, p.substitute, p.rating, p.goals, p.assists, p.shots, p.shots_on_target,
                 p.expected_goals, p.expected_assists, p.key_passes, p.passes, p.yellow_cards, p.red_cards,
                 p.attributes) for p in rec.player_stats]
        if rec.events:
            events[match_id] = [
                (seq, e.type.value, e.side.value, e.minute, e.added_minute,
                 player_ids.get((person(e), ids[i][2] if e.side == "home" else ids[i][3])) if e.player_name
                 else None, e.player_name)
                for seq, e in enumerate(rec.events, start=1)
            ]
        if rec.lineups:
            lineups[match_id] = [(e.side.value, player_ids.get((e.player_name, team_of[e.side])), e.player_name,
                                  e.starter, e.position, e.shirt_number, e.grid) for e in rec.lineups]
        if rec.formations:
            formations[match_id] = [(f.side.value, f.formation, f.coach_name) for f in rec.formations]
        if rec.stats:
            stats[match_id] = [(s.side.value, *(getattr(s, name) for name in STATS_FIGURES)) for s in rec.stats]
        if rec.odds:
            odds[match_id] = [(source, q.bookmaker, q.market, q.closing, q.line, q.price_home, q.price_draw,
                               q.price_away, q.price_over, q.price_under) for q in rec.odds]
    owner = ChildOwner(source, {match_ids[i]: rec.competition.code for i, rec in enumerate(records)})
    changed = _sync(conn, match_events, EVENT_COLUMNS, events, owner=owner)
    stats, stats_owners = coalesce_stats(conn, stats, owner)
    changed |= _sync(conn, team_match_stats, STATS_COLUMNS, stats, owner=owner, owners=stats_owners)
    changed |= _sync(conn, shots, SHOT_COLUMNS, shot_rows, scope=("source", source))
    changed |= _sync(conn, player_match_stats, PLAYER_STATS_COLUMNS, player_rows, scope=("source", source))
    changed |= _sync(conn, match_lineups, LINEUP_COLUMNS, lineups, owner=owner)
    changed |= _sync(conn, match_formations, FORMATION_COLUMNS, formations, owner=owner)
    changed |= _sync(conn, odds_quotes, ODDS_COLUMNS, odds, scope=("source", source))
    return changed


@dataclass(frozen=True)
class ChildOwner:
    """Events, lineups and statistics are one set per match, from the most trusted source that gives them: a
    less trusted source never replaces them (``source`` column; NULL = stored before it was kept)."""

    source: str
    competition_of: dict[int, str]

    def may_replace(self, match_id: int, stored_source: str | None) -> bool:
        if stored_source is None or stored_source == self.source:
            return True
        key = source_precedence().key
        competition = self.competition_of.get(match_id)
        return key(self.source, competition) > key(stored_source, competition)


def coalesce_stats(conn: Connection, wanted: dict[int, list[tuple]], owner: ChildOwner
                   ) -> tuple[dict[int, list[tuple]], dict[int, str]]:
    """Team statistics are one row per side whichever sources gave them, merged figure by figure: a figure a
    source does not give (None) keeps the stored one, and where both give one the more trusted source's stands.
    So a source with possession and xG never erases another's shots and corners. Also returns each match's
    owner (the more trusted of the stored and the new source)."""
    if not wanted:
        return wanted, {}
    cols = [team_match_stats.c[name] for name in STATS_COLUMNS]
    stored: dict[int, dict[str, tuple]] = defaultdict(dict)
    stored_by: dict[int, str | None] = {}
    for chunk in _chunks(sorted(wanted)):
        for row in conn.execute(select(team_match_stats.c.match_id, *cols, team_match_stats.c.source)
                                .where(team_match_stats.c.match_id.in_(chunk))):
            stored[row[0]][row[1]] = tuple(row[1:-1])
            stored_by[row[0]] = row[-1]
    merged: dict[int, list[tuple]] = {}
    owners: dict[int, str] = {}
    for match_id, rows in wanted.items():
        old_rows = stored.get(match_id, {})
        ours = owner.may_replace(match_id, stored_by.get(match_id))
        owners[match_id] = owner.source if ours or stored_by.get(match_id) is None else stored_by[match_id]
        merged[match_id] = [_merge_figures(row, old_rows.get(row[0]), ours, owner.source, stored_by.get(match_id))
                            for row in rows]
        given = {row[0] for row in rows}
        merged[match_id] += [old for side, old in old_rows.items() if side not in given]
    return merged, owners


def _merge_figures(new_row: tuple, old_row: tuple | None, ours: bool, source: str,
                   stored_by: str | None) -> tuple:
    """One side's figures: the new source's where it gives one and may (``ours``, or nothing is stored), else
    the stored one; the last column says which source each figure came from."""
    if old_row is None:
        return (*new_row, {name: source for name, value in zip(STATS_FIGURES, new_row[1:], strict=True)
                           if value is not None})
    old_sources = old_row[-1] or {}
    values, sources = [], {}
    for name, new, old in zip(STATS_FIGURES, new_row[1:], old_row[1:-1], strict=True):
        take_new = new is not None and (ours or old is None)
        value = new if take_new else old
        values.append(value)
        if value is not None:
            sources[name] = source if take_new else old_sources.get(name) or stored_by or source
    return (new_row[0], *values, sources)


def _sync(conn: Connection, table: Table, columns: Sequence[str], wanted: dict[int, list[tuple]],
          scope: tuple[str, Any] | None = None, owner: ChildOwner | None = None,
          owners: dict[int, str] | None = None) -> set[int]:
    """Make each match's child rows equal ``wanted``; returns the match ids whose rows changed. With ``owners``
    the rows were already merged by precedence: they are written as they are, marked with the owner given."""
    if not wanted:
        return set()
    stored: dict[int, list[tuple]] = defaultdict(list)
    stored_by: dict[int, str | None] = {}
    match_col = table.c.match_id
    cols = [table.c[name] for name in columns]
    extra = [table.c.source] if owner else []
    for chunk in _chunks(sorted(wanted)):
        query = select(match_col, *cols, *extra).where(match_col.in_(chunk))
        if scope:
            query = query.where(table.c[scope[0]] == scope[1])
        for row in conn.execute(query):
            stored[row[0]].append(tuple(row[1:len(columns) + 1]))
            if owner:
                stored_by[row[0]] = row[-1]
    differing = [m for m, rows in wanted.items() if sorted(rows, key=repr) != sorted(stored.get(m, []), key=repr)]
    if owner:
        target = owners if owners is not None else {m: owner.source for m in wanted}
        if owners is None:
            differing = [m for m in differing if owner.may_replace(m, stored_by.get(m))]
        # the same rows from a more trusted source: it owns them now (nothing a user sees changes)
        replaced = set(differing)
        same = [m for m in wanted if m in stored_by and m not in replaced and stored_by[m] != target[m]
                and owner.may_replace(m, stored_by[m])]
        by_target: dict[str, list[int]] = defaultdict(list)
        for m in same:
            by_target[target[m]].append(m)
        for new_owner, owned in by_target.items():  # one statement per owner and chunk, not per match
            for chunk in _chunks(sorted(owned)):
                conn.execute(update(table).where(match_col.in_(chunk)).values(source=new_owner))
    if not differing:
        return set()
    for chunk in _chunks(differing):
        query = delete(table).where(match_col.in_(chunk))
        if scope:
            query = query.where(table.c[scope[0]] == scope[1])
        conn.execute(query)
    bulk_insert(conn, table, [
        {"match_id": m, **dict(zip(columns, row, strict=True)), **({"source": target[m]} if owner else {})}
        for m in differing for row in wanted[m]
    ])
    return set(differing)
