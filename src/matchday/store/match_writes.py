"""Idempotent bulk upsert of canonical matches and their children (events, statistics, odds).

One round trip per kind of work: existing matches of the touched seasons are read once, new ones inserted
with one executemany, changed ones updated, children synced per match (replaced only when different).
A field a source does not give (None) never overwrites what another source stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update

from matchday.domain.records import MatchRecord
from matchday.store.bulk import bulk_insert, insert_rows
from matchday.store.identity import Resolver
from matchday.store.schema import (
    external_ids,
    match_events,
    match_lineups,
    matches,
    odds_quotes,
    player_match_stats,
    shots,
    team_match_stats,
)

UPDATABLE = (
    "stage", "round", "round_number", "match_date", "kickoff_utc", "status", "period", "finish", "minute",
    "home_goals", "away_goals", "home_goals_ht", "away_goals_ht", "home_goals_et", "away_goals_et",
    "home_penalties", "away_penalties", "venue", "referee", "attendance", "neutral",
)
_CHUNK = 900  # bound parameters per IN (...) list, well under every driver's limit

EVENT_COLUMNS = ("seq", "type", "side", "minute", "added_minute", "player_id", "player_name")
STATS_COLUMNS = ("side", "shots", "shots_on_target", "corners", "fouls", "yellow_cards", "red_cards", "offsides",
                 "woodwork", "booking_points", "possession", "expected_goals", "passes", "passes_accurate", "saves")
SHOT_COLUMNS = ("source", "seq", "side", "minute", "player_id", "player_name", "x", "y", "xg", "result", "situation",
                "body_part", "assist_name")
PLAYER_STATS_COLUMNS = ("source", "side", "player_id", "player_name", "minutes", "position", "shirt_number",
                        "substitute", "rating", "goals", "assists", "shots", "shots_on_target", "expected_goals",
                        "expected_assists", "key_passes", "passes", "yellow_cards", "red_cards", "attributes")
LINEUP_COLUMNS = ("side", "player_id", "player_name", "starter", "position", "shirt_number")
ODDS_COLUMNS = ("source", "bookmaker", "market", "closing", "line", "price_home", "price_draw", "price_away",
                "price_over", "price_under")


@dataclass
class MatchChange:
    """What one write did to one match: the seed of change events and cache invalidation."""

    match_id: int
    new: bool
    fields: dict[str, Any] = field(default_factory=dict)
    competition_id: int = 0
    season_id: int = 0
    home_team_id: int = 0
    away_team_id: int = 0


@dataclass
class WriteCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    changes: list[MatchChange] = field(default_factory=list)
    match_ids: list[int] = field(default_factory=list)  # the stored id of each record written, in order


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _values(rec: MatchRecord) -> tuple:
    """The record's UPDATABLE fields, in that order. Status, period and finish are StrEnums, i.e. already the
    strings stored; ``neutral`` False means "not said" (None), so it never overwrites another source's True."""
    return (rec.stage, rec.round, rec.round_number, rec.match_date, rec.kickoff_utc, rec.status, rec.period,
            rec.finish, rec.minute, rec.home_goals, rec.away_goals, rec.home_goals_ht, rec.away_goals_ht,
            rec.home_goals_et, rec.away_goals_et, rec.home_penalties, rec.away_penalties, rec.venue, rec.referee,
            rec.attendance, rec.neutral or None)


INSERT_COLUMNS = ("competition_id", "season_id", "match_key", "home_team_id", "away_team_id", "attributes",
                  "updated_at", *UPDATABLE)


def _keys(records: Sequence[MatchRecord], ids: list[tuple[int, int, int, int, str]]) -> list[str]:
    """Identity of each match within its season; repeated pairings get ``#2``, ``#3`` in date order."""
    base = []
    for rec, (_comp, _season, home, away, kind) in zip(records, ids, strict=True):
        when = "" if kind == "league" else f"{rec.match_date}|"
        base.append(f"{rec.stage}|{when}{home}-{away}")
    order = sorted(range(len(records)), key=lambda i: (records[i].match_date or date.max, i))
    seen: dict[tuple[int, str], int] = defaultdict(int)
    keys = [""] * len(records)
    for i in order:
        slot = (ids[i][1], base[i])
        seen[slot] += 1
        keys[i] = base[i] if seen[slot] == 1 else f"{base[i]}#{seen[slot]}"
    return keys


def _existing(conn: Connection, season_ids: set[int]) -> dict[tuple[int, str], tuple]:
    cols = [matches.c.id, matches.c.season_id, matches.c.match_key, matches.c.attributes,
            *(matches.c[name] for name in UPDATABLE)]
    found: dict[tuple[int, str], tuple] = {}
    for chunk in _chunks(sorted(season_ids)):
        for row in conn.execute(select(*cols).where(matches.c.season_id.in_(chunk))):
            found[(row[1], row[2])] = tuple(row)
    return found


def _ids_by_key(conn: Connection, season_ids: set[int]) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted(season_ids)):
        query = select(matches.c.season_id, matches.c.match_key, matches.c.id).where(matches.c.season_id.in_(chunk))
        found.update({(season_id, key): match_id for season_id, key, match_id in conn.execute(query)})
    return found


FINAL_STATUSES = frozenset({"finished", "awarded", "cancelled", "abandoned", "postponed"})
_STATUS, _PERIOD, _MINUTE = UPDATABLE.index("status"), UPDATABLE.index("period"), UPDATABLE.index("minute")


_PROGRESS = {"scheduled": 0, "live": 1, "halftime": 1, "finished": 2, "awarded": 2}


def _goes_back(stored: str | None, new: str | None) -> bool:
    """Status moves forward only (DESIGN §9); postponed, cancelled, abandoned, suspended are explicit and apply."""
    return stored in _PROGRESS and new in _PROGRESS and _PROGRESS[new] < _PROGRESS[stored]


def _diff(old: tuple, values: tuple, attributes: dict[str, Any]) -> dict[str, Any]:
    """Fields that ``values`` (UPDATABLE order) would change in ``old`` (id, season, key, attributes, UPDATABLE)."""
    changed = {}
    for name, value, stored in zip(UPDATABLE, values, old[4:], strict=True):
        if value is not None and value != stored:
            changed[name] = value
    if _goes_back(old[4 + _STATUS], values[_STATUS]):
        # an older snapshot (a provider's fixture list from before the match) never un-finishes a match
        for name in ("status", "period", "minute", "finish"):
            changed.pop(name, None)
        return changed
    if values[_STATUS] in FINAL_STATUSES:  # a match that has ended has no period or minute any more
        if old[4 + _PERIOD] is not None:
            changed["period"] = None
        if old[4 + _MINUTE] is not None:
            changed["minute"] = None
    if attributes:
        merged = {**(old[3] or {}), **attributes}
        if merged != old[3]:
            changed["attributes"] = merged
    return changed


def resolve_ids(resolver: Resolver, records: Sequence[MatchRecord]) -> list[tuple[int, int, int, int, str]]:
    """(competition, season, home team, away team, competition kind) of each record."""
    # parsers share one ref object per team and competition: resolve each object once (ids stay valid while
    # the records hold the objects)
    seen: dict[int, int] = {}
    ids = []
    for rec in records:
        comp, home, away = rec.competition, rec.home, rec.away
        comp_id = seen.get(id(comp))
        if comp_id is None:
            comp_id = seen[id(comp)] = resolver.competition(comp)
        season_id = resolver.season(comp_id, rec.season)
        home_id = seen.get(id(home))
        if home_id is None:
            home_id = seen[id(home)] = resolver.team(home)
        away_id = seen.get(id(away))
        if away_id is None:
            away_id = seen[id(away)] = resolver.team(away)
        ids.append((comp_id, season_id, home_id, away_id, comp.kind))
    return ids


def same_match_keys(conn: Connection, records: Sequence[MatchRecord], ids: list[tuple[int, int, int, int, str]],
                    keys: list[str], known: Iterable[tuple[int, str]]) -> list[str]:
    """Each record's key, or the key of the stored cup or international match it is under another source's
    stage label: same season, same home and away team, kick-off dates at most a day apart (one source gives
    the local date, another the UTC date; one labels a stage "Quarter-finals", another "FIFA World Cup")."""
    known = set(known)
    wanted = [i for i, (_c, season_id, _h, _a, kind) in enumerate(ids)
              if kind != "league" and (season_id, keys[i]) not in known and records[i].match_date is not None]
    if not wanted:
        return keys
    stored: dict[tuple[int, int, int], list[tuple[date, str]]] = defaultdict(list)
    for chunk in _chunks(sorted({ids[i][1] for i in wanted})):
        for season_id, key, home, away, day in conn.execute(
                select(matches.c.season_id, matches.c.match_key, matches.c.home_team_id, matches.c.away_team_id,
                       matches.c.match_date).where(matches.c.season_id.in_(chunk))):
            if day is not None:
                stored[(season_id, home, away)].append((day, key))
    out = list(keys)
    for i in wanted:
        _c, season_id, home, away, _kind = ids[i]
        near = [key for day, key in stored.get((season_id, home, away), ())
                if abs((day - records[i].match_date).days) <= 1]
        if len(near) == 1:
            out[i] = near[0]
    return out


def stored_match_ids(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord]) -> list[int | None]:
    """The stored match each record stands for, None where it is new."""
    ids = resolve_ids(resolver, records)
    found = _ids_by_key(conn, {season_id for _c, season_id, *_ in ids})
    keys = same_match_keys(conn, records, ids, _keys(records, ids), found)
    return [found.get((i[1], key)) for i, key in zip(ids, keys, strict=True)]


def write_matches(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord], source: str) -> WriteCounts:
    counts = WriteCounts()
    if not records:
        return counts
    ids = resolve_ids(resolver, records)
    own_keys = _keys(records, ids)
    existing = _existing(conn, {season_id for _c, season_id, *_ in ids})
    keys = same_match_keys(conn, records, ids, own_keys, existing)
    new_rows: list[tuple] = []
    new_records: list[int] = []
    match_ids: list[int] = [0] * len(records)
    now = utcnow()
    for index, (rec, (comp_id, season_id, home_id, away_id, _kind), key) in enumerate(
            zip(records, ids, keys, strict=True)):
        values = _values(rec)
        old = existing.get((season_id, key))
        if old is None:
            new_rows.append((comp_id, season_id, key, home_id, away_id, rec.attributes, now, *values[:-1],
                             rec.neutral))
            new_records.append(index)
            continue
        match_ids[index] = old[0]
        changed = _diff(old, values, rec.attributes)
        if key != own_keys[index]:
            changed.pop("stage", None)  # found under another source's stage label: that label stays
        if changed:
            # a match that has ended needs nobody's attention any more
            ended = {"attention": None} if changed.get("status") in FINAL_STATUSES else {}
            conn.execute(update(matches).where(matches.c.id == old[0]).values(**changed, **ended, updated_at=now))
            counts.changes.append(MatchChange(old[0], False, changed, comp_id, season_id, home_id, away_id))
        else:
            counts.unchanged += 1
    if new_rows:
        # plain executemany (no RETURNING: SQLite would then insert row by row), then read the new ids back
        insert_rows(conn, matches, INSERT_COLUMNS, new_rows)
        new_ids = _ids_by_key(conn, {row[1] for row in new_rows})
        for index, row in zip(new_records, new_rows, strict=True):
            comp_id, season_id, key, home_id, away_id = row[:5]
            match_ids[index] = new_ids[(season_id, key)]
            counts.changes.append(MatchChange(match_ids[index], True, {}, comp_id, season_id, home_id, away_id))
    child_changed = _sync_children(conn, resolver, records, ids, match_ids, source)
    changed_ids = {c.match_id for c in counts.changes}
    for index, match_id in enumerate(match_ids):
        if match_id in child_changed and match_id not in changed_ids:
            comp_id, season_id, home_id, away_id, _kind = ids[index]
            counts.changes.append(MatchChange(match_id, False, {"children": True}, comp_id, season_id, home_id,
                                              away_id))
            changed_ids.add(match_id)
            counts.unchanged -= 1
    counts.new = sum(1 for c in counts.changes if c.new)
    counts.changed = len(counts.changes) - counts.new
    counts.match_ids = match_ids
    keyed = [(rec.source_key, match_id) for rec, match_id in zip(records, match_ids, strict=True) if rec.source_key]
    if keyed:
        attach_match_keys(conn, source, keyed)
    return counts


def attach_match_keys(conn: Connection, source: str, keyed: Sequence[tuple[str, int]]) -> None:
    """Keep each provider match id as an external id of the stored match (the first one seen stays)."""
    wanted = dict(keyed)
    known: set[str] = set()
    for chunk in _chunks(sorted(wanted)):
        known.update(conn.execute(select(external_ids.c.external_id).where(
            external_ids.c.source == source, external_ids.c.entity == "match",
            external_ids.c.external_id.in_(chunk))).scalars())
    bulk_insert(conn, external_ids, [{"source": source, "entity": "match", "external_id": key, "internal_id": m}
                                     for key, m in wanted.items() if key not in known])


def _sync_children(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord],
                   ids: list[tuple[int, int, int, int, str]], match_ids: list[int], source: str) -> set[int]:
    """Events, statistics and odds of each match: replaced where they differ from what is stored."""
    wanted_players = {
        (item.player_name, ids[i][2] if item.side == "home" else ids[i][3])
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
                 player_ids.get((e.player_name, ids[i][2] if e.side == "home" else ids[i][3])) if e.player_name
                 else None, e.player_name)
                for seq, e in enumerate(rec.events, start=1)
            ]
        if rec.lineups:
            team_of = {"home": ids[i][2], "away": ids[i][3]}
            lineups[match_id] = [(e.side.value, player_ids.get((e.player_name, team_of[e.side])), e.player_name,
                                  e.starter, e.position, e.shirt_number) for e in rec.lineups]
        if rec.stats:
            stats[match_id] = [(s.side.value, s.shots, s.shots_on_target, s.corners, s.fouls, s.yellow_cards,
                                s.red_cards, s.offsides, s.woodwork, s.booking_points, s.possession,
                                s.expected_goals, s.passes, s.passes_accurate, s.saves) for s in rec.stats]
        if rec.odds:
            odds[match_id] = [(source, q.bookmaker, q.market, q.closing, q.line, q.price_home, q.price_draw,
                               q.price_away, q.price_over, q.price_under) for q in rec.odds]
    changed = _sync(conn, match_events, EVENT_COLUMNS, events)
    changed |= _sync(conn, team_match_stats, STATS_COLUMNS, coalesce_stats(conn, stats))
    changed |= _sync(conn, shots, SHOT_COLUMNS, shot_rows, scope=("source", source))
    changed |= _sync(conn, player_match_stats, PLAYER_STATS_COLUMNS, player_rows, scope=("source", source))
    changed |= _sync(conn, match_lineups, LINEUP_COLUMNS, lineups)
    changed |= _sync(conn, odds_quotes, ODDS_COLUMNS, odds, scope=("source", source))
    return changed


def coalesce_stats(conn: Connection, wanted: dict[int, list[tuple]]) -> dict[int, list[tuple]]:
    """Team statistics are one row per side whichever source gave them: a figure a source does not give (None)
    keeps the stored one, so a source with possession and xG never erases another's shots and corners."""
    if not wanted:
        return wanted
    cols = [team_match_stats.c[name] for name in STATS_COLUMNS]
    stored: dict[int, dict[str, tuple]] = defaultdict(dict)
    for chunk in _chunks(sorted(wanted)):
        for row in conn.execute(select(team_match_stats.c.match_id, *cols)
                                .where(team_match_stats.c.match_id.in_(chunk))):
            stored[row[0]][row[1]] = tuple(row[1:])
    if not stored:
        return wanted
    merged: dict[int, list[tuple]] = {}
    for match_id, rows in wanted.items():
        old_rows = stored.get(match_id, {})
        merged[match_id] = [tuple(new if new is not None else old for new, old in zip(row, old_rows[row[0]],
                                                                                       strict=True))
                            if row[0] in old_rows else row for row in rows]
        given = {row[0] for row in rows}
        merged[match_id] += [old for side, old in old_rows.items() if side not in given]
    return merged


def _sync(conn: Connection, table: Table, columns: Sequence[str], wanted: dict[int, list[tuple]],
          scope: tuple[str, Any] | None = None) -> set[int]:
    """Make each match's child rows equal ``wanted``; returns the match ids whose rows changed."""
    if not wanted:
        return set()
    stored: dict[int, list[tuple]] = defaultdict(list)
    match_col = table.c.match_id
    cols = [table.c[name] for name in columns]
    for chunk in _chunks(sorted(wanted)):
        query = select(match_col, *cols).where(match_col.in_(chunk))
        if scope:
            query = query.where(table.c[scope[0]] == scope[1])
        for row in conn.execute(query):
            stored[row[0]].append(tuple(row[1:]))
    differing = [m for m, rows in wanted.items() if sorted(rows, key=repr) != sorted(stored.get(m, []), key=repr)]
    if not differing:
        return set()
    for chunk in _chunks(differing):
        query = delete(table).where(match_col.in_(chunk))
        if scope:
            query = query.where(table.c[scope[0]] == scope[1])
        conn.execute(query)
    bulk_insert(conn, table, [
        {"match_id": m, **dict(zip(columns, row, strict=True))} for m in differing for row in wanted[m]
    ])
    return set(differing)
