"""Idempotent bulk upsert of canonical matches and their children (events, statistics, odds).

One round trip per kind of work: existing matches of the touched seasons are read once, new ones inserted
with one executemany, stored ones merged with what other sources said (``store.match_merge``, rules in
``domain.merge``: a field a source does not give never overwrites a known one, status only moves forward,
precedence decides disagreements), children synced per match (replaced only when different).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, select, update

from matchday.domain import merge
from matchday.domain.records import MatchRecord
from matchday.precedence import source_precedence
from matchday.store.bulk import bulk_insert, insert_rows
from matchday.store.identity import Resolver
from matchday.store.match_merge import Stored, merge_existing, record_new_matches, says_nothing_new, stored_values
from matchday.store.schema import match_events, match_lineups, match_sources, matches, odds_quotes, team_match_stats

UPDATABLE = merge.FIELDS
_CHUNK = 900  # bound parameters per IN (...) list, well under every driver's limit

EVENT_COLUMNS = ("seq", "type", "side", "minute", "added_minute", "player_id", "player_name")
STATS_COLUMNS = ("side", "shots", "shots_on_target", "corners", "fouls", "yellow_cards", "red_cards", "offsides",
                 "woodwork", "booking_points")
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
    # matches whose provenance changed (a source now also says what was stored): cached answers that show
    # sources are stale, but nothing a user counts as changed
    provenance_only: list[MatchChange] = field(default_factory=list)


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


_VALUES = slice(4, 4 + len(UPDATABLE))  # where a stored row (``_existing``) holds its UPDATABLE values


def _existing(conn: Connection, season_ids: set[int], source: str) -> dict[tuple[int, str], tuple]:
    """(season, key) → (id, season, key, attributes, *UPDATABLE, source's mask, source's dissent): the source's
    own provenance row comes with the match (NULLs where it never described it) for the merge's fast path."""
    cols = [matches.c.id, matches.c.season_id, matches.c.match_key, matches.c.attributes,
            *(matches.c[name] for name in UPDATABLE), match_sources.c.fields, match_sources.c.dissent]
    own = and_(match_sources.c.match_id == matches.c.id, match_sources.c.source == source)
    found: dict[tuple[int, str], tuple] = {}
    for chunk in _chunks(sorted(season_ids)):
        for row in conn.execute(select(*cols).outerjoin(match_sources, own).where(matches.c.season_id.in_(chunk))):
            found[(row[1], row[2])] = tuple(row)
    return found


def _stageless(key: str) -> str | None:
    """A cup match's key without its stage (``Final|2022-12-18|3-7`` → ``2022-12-18|3-7``), None for leagues.

    Sources name cup stages differently ("Final", "FIFA World Cup"): the day and the two teams identify it.
    """
    parts = key.split("|", 1)
    return parts[1] if len(parts) == 2 and "|" in parts[1] else None


def _by_stageless(keyed: dict[tuple[int, str], Any]) -> dict[tuple[int, str], Any]:
    found: dict[tuple[int, str], Any] = {}
    for (season_id, key), value in keyed.items():
        rest = _stageless(key)
        if rest is not None:
            found.setdefault((season_id, rest), value)
    return found


def _find(keyed: dict[tuple[int, str], Any], stageless: dict[tuple[int, str], Any] | None, season_id: int,
          key: str, kind: str) -> Any:
    """The stored match a key stands for: by its exact key, or for a cup match by day and teams."""
    found = keyed.get((season_id, key))
    if found is None and kind != "league" and stageless:
        rest = _stageless(key)
        found = stageless.get((season_id, rest)) if rest is not None else None
    return found


def _ids_by_key(conn: Connection, season_ids: set[int]) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    for chunk in _chunks(sorted(season_ids)):
        query = select(matches.c.season_id, matches.c.match_key, matches.c.id).where(matches.c.season_id.in_(chunk))
        found.update({(season_id, key): match_id for season_id, key, match_id in conn.execute(query)})
    return found


FINAL_STATUSES = merge.ENDED
_STATUS, _PERIOD, _MINUTE = UPDATABLE.index("status"), UPDATABLE.index("period"), UPDATABLE.index("minute")


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


def stored_match_ids(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord]) -> list[int | None]:
    """The stored match each record stands for, None where it is new."""
    ids = resolve_ids(resolver, records)
    found = _ids_by_key(conn, {season_id for _c, season_id, *_ in ids})
    stageless = _by_stageless(found) if any(i[4] != "league" for i in ids) else None
    return [_find(found, stageless, i[1], key, i[4]) for i, key in zip(ids, _keys(records, ids), strict=True)]


def _new_values(values: tuple) -> tuple:
    """A new match's values: one that has ended has no period or minute (as the merge would store it)."""
    if values[_STATUS] in FINAL_STATUSES and (values[_PERIOD] is not None or values[_MINUTE] is not None):
        values = (*values[:_PERIOD], None, *values[_PERIOD + 1:_MINUTE], None, *values[_MINUTE + 1:])
    return values


def write_matches(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord], source: str) -> WriteCounts:
    counts = WriteCounts()
    if not records:
        return counts
    ids = resolve_ids(resolver, records)
    keys = _keys(records, ids)
    season_ids = {season_id for _c, season_id, *_ in ids}
    existing = _existing(conn, season_ids, source)
    stageless = _by_stageless(existing) if existing and any(i[4] != "league" for i in ids) else None
    new_rows: list[tuple] = []
    new_records: list[int] = []
    known: list[tuple[int, tuple]] = []  # (record index, stored row) of matches already stored
    match_ids: list[int] = [0] * len(records)
    now = utcnow()
    for index, (rec, (comp_id, season_id, home_id, away_id, kind), key) in enumerate(
            zip(records, ids, keys, strict=True)):
        old = _find(existing, stageless, season_id, key, kind)
        if old is None:
            values = _new_values(_values(rec))
            new_rows.append((comp_id, season_id, key, home_id, away_id, rec.attributes, now, *values[:-1],
                             rec.neutral))
            new_records.append(index)
            continue
        match_ids[index] = old[0]
        known.append((index, old))
    if known:
        _merge_known(conn, records, ids, known, source, now, counts)
    if new_rows:
        # plain executemany (no RETURNING: SQLite would then insert row by row), then read the new ids back
        insert_rows(conn, matches, INSERT_COLUMNS, new_rows)
        new_ids = _ids_by_key(conn, {row[1] for row in new_rows})
        for index, row in zip(new_records, new_rows, strict=True):
            comp_id, season_id, key, home_id, away_id = row[:5]
            match_ids[index] = new_ids[(season_id, key)]
            counts.changes.append(MatchChange(match_ids[index], True, {}, comp_id, season_id, home_id, away_id))
        stored_seasons = {season for season, _key in existing}
        record_new_matches(conn, source, {row[1] for row in new_rows} - stored_seasons,
                           [match_ids[i] for i, row in zip(new_records, new_rows, strict=True)
                            if row[1] in stored_seasons], now)
    child_changed = _sync_children(conn, resolver, records, ids, match_ids, source)
    changed_ids = {c.match_id for c in counts.changes}
    for index, match_id in enumerate(match_ids):
        if match_id in child_changed and match_id not in changed_ids:
            comp_id, season_id, home_id, away_id, _kind = ids[index]
            counts.changes.append(MatchChange(match_id, False, {"children": True}, comp_id, season_id, home_id,
                                              away_id))
            changed_ids.add(match_id)
            counts.unchanged -= 1
    counts.provenance_only = [c for c in counts.provenance_only if c.match_id not in changed_ids]
    counts.new = sum(1 for c in counts.changes if c.new)
    counts.changed = len(counts.changes) - counts.new
    counts.match_ids = match_ids
    return counts


def _merge_known(conn: Connection, records: Sequence[MatchRecord], ids: list[tuple[int, int, int, int, str]],
                 known: list[tuple[int, tuple]], source: str, now: datetime, counts: WriteCounts) -> None:
    """Merge records of stored matches (``known``: record index, stored row) and write what changed."""
    pending: list[tuple[int, tuple, tuple]] = []
    for index, old in known:
        values = _values(records[index])
        own = None if old[-2] is None else (old[-2], old[-1])
        attributes = records[index].attributes
        if says_nothing_new(own, old[_VALUES], values) and (
                not attributes or {**(old[3] or {}), **attributes} == old[3]):
            counts.unchanged += 1  # the common re-load: decided on the row as read
            continue
        pending.append((index, old, values))
    if not pending:
        return
    items = [Stored(old[0], old[1], records[index].competition.code, stored_values(old[_VALUES]),
                    None if old[-2] is None else (old[-2], old[-1])) for index, old, _ in pending]
    outcome = merge_existing(conn, source, items, [values for _i, _old, values in pending], now)
    updates: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    seen: set[int] = set()
    for index, old, _ in pending:
        match_id = old[0]
        if match_id in seen:  # a second record of one match (a cup match found by day and teams)
            counts.unchanged += 1
            continue
        seen.add(match_id)
        changed = dict(outcome.changed.get(match_id, {}))
        attributes = records[index].attributes
        if attributes:
            merged = {**(old[3] or {}), **attributes}
            if merged != old[3]:
                changed["attributes"] = merged
        comp_id, season_id, home_id, away_id, _kind = ids[index]
        if not changed:
            counts.unchanged += 1
            if match_id in outcome.provenance_only:
                counts.provenance_only.append(MatchChange(match_id, False, {}, comp_id, season_id, home_id, away_id))
            continue
        row = {**changed, "updated_at": now}
        if changed.get("status") in FINAL_STATUSES:
            row["attention"] = None  # a match that has ended needs nobody's attention any more
        updates[frozenset(row)].append({**row, "b_id": match_id})
        counts.changes.append(MatchChange(match_id, False, changed, comp_id, season_id, home_id, away_id))
    for rows in updates.values():
        conn.execute(update(matches).where(matches.c.id == bindparam("b_id")), rows)  # SET: the dicts' keys


def _sync_children(conn: Connection, resolver: Resolver, records: Sequence[MatchRecord],
                   ids: list[tuple[int, int, int, int, str]], match_ids: list[int], source: str) -> set[int]:
    """Events, statistics and odds of each match: replaced where they differ from what is stored."""
    wanted_players = {
        (item.player_name, ids[i][2] if item.side == "home" else ids[i][3])
        for i, rec in enumerate(records) for item in (*rec.events, *rec.lineups) if item.player_name
    }
    player_ids = resolver.players(wanted_players) if wanted_players else {}
    events: dict[int, list[tuple]] = {}
    lineups: dict[int, list[tuple]] = {}
    stats: dict[int, list[tuple]] = {}
    odds: dict[int, list[tuple]] = {}
    for i, rec in enumerate(records):
        match_id = match_ids[i]
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
                                s.red_cards, s.offsides, s.woodwork, s.booking_points) for s in rec.stats]
        if rec.odds:
            odds[match_id] = [(source, q.bookmaker, q.market, q.closing, q.line, q.price_home, q.price_draw,
                               q.price_away, q.price_over, q.price_under) for q in rec.odds]
    owner = ChildOwner(source, {match_ids[i]: rec.competition.code for i, rec in enumerate(records)})
    changed = _sync(conn, match_events, EVENT_COLUMNS, events, owner=owner)
    changed |= _sync(conn, team_match_stats, STATS_COLUMNS, stats, owner=owner)
    changed |= _sync(conn, match_lineups, LINEUP_COLUMNS, lineups, owner=owner)
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


def _sync(conn: Connection, table: Table, columns: Sequence[str], wanted: dict[int, list[tuple]],
          scope: tuple[str, Any] | None = None, owner: ChildOwner | None = None) -> set[int]:
    """Make each match's child rows equal ``wanted``; returns the match ids whose rows changed."""
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
        differing = [m for m in differing if owner.may_replace(m, stored_by.get(m))]
        # the same rows from a more trusted source: it owns them now (nothing a user sees changes)
        replaced = set(differing)
        same = [m for m in wanted if m in stored_by and m not in replaced and stored_by[m] != owner.source
                and owner.may_replace(m, stored_by[m])]
        for chunk in _chunks(same):
            conn.execute(update(table).where(match_col.in_(chunk)).values(source=owner.source))
    if not differing:
        return set()
    for chunk in _chunks(differing):
        query = delete(table).where(match_col.in_(chunk))
        if scope:
            query = query.where(table.c[scope[0]] == scope[1])
        conn.execute(query)
    own = {"source": owner.source} if owner else {}
    bulk_insert(conn, table, [
        {"match_id": m, **dict(zip(columns, row, strict=True)), **own} for m in differing for row in wanted[m]
    ])
    return set(differing)
