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

from sqlalchemy import Connection, and_, bindparam, select, update

from matchday.domain import merge
from matchday.domain.changes import MatchChange
from matchday.domain.records import MatchRecord
from matchday.store import content_hash
from matchday.store.bulk import bulk_insert, insert_rows
from matchday.store.identity import Resolver
from matchday.store.match_children import sync_children
from matchday.store.match_merge import Stored, merge_existing, says_nothing_new, stored_values
from matchday.store.provenance_rows import own_fields
from matchday.store.schema import external_ids, match_sources, matches

UPDATABLE = merge.FIELDS
_CHUNK = 900  # bound parameters per IN (...) list, well under every driver's limit



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
                  "updated_at", *UPDATABLE, "first_source", "first_fields", "first_seen_at")
_BITS = tuple(merge.BITS[name] for name in UPDATABLE)


def _mask(values: tuple) -> int:
    """The provenance mask of a new match's values (``neutral``: said only when True)."""
    return sum(bit for value, bit in zip(values, _BITS, strict=True) if value is not None and value is not False)


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
            *(matches.c[name] for name in UPDATABLE), own_fields(source), match_sources.c.dissent]
    own = and_(match_sources.c.match_id == matches.c.id, match_sources.c.source == source)
    found: dict[tuple[int, str], tuple] = {}
    for chunk in _chunks(sorted(season_ids)):
        for row in conn.execute(select(*cols).outerjoin(match_sources, own).where(matches.c.season_id.in_(chunk))):
            found[(row[1], row[2])] = tuple(row)
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
    own_keys = _keys(records, ids)
    season_ids = {season_id for _c, season_id, *_ in ids}
    existing = _existing(conn, season_ids, source)
    keys = same_match_keys(conn, records, ids, own_keys, existing)
    new_rows: list[tuple] = []
    new_records: list[int] = []
    known: list[tuple[int, tuple]] = []  # (record index, stored row) of matches already stored
    match_ids: list[int] = [0] * len(records)
    now = utcnow()
    for index, (rec, (comp_id, season_id, home_id, away_id, _kind), key) in enumerate(
            zip(records, ids, keys, strict=True)):
        old = existing.get((season_id, key))
        if old is None:
            values = _new_values(_values(rec))
            # its provenance in the row: this source gave every field it holds (store.provenance_rows)
            new_rows.append((comp_id, season_id, key, home_id, away_id, rec.attributes, now, *values[:-1],
                             rec.neutral, source, _mask(values), now))
            new_records.append(index)
            continue
        match_ids[index] = old[0]
        known.append((index, old))
    if known:
        # a match found under another source's stage label keeps that label (and the key made of it)
        relabelled = {index for index, _old in known if keys[index] != own_keys[index]}
        _merge_known(conn, records, ids, known, source, now, counts, relabelled)
    if new_rows:
        # plain executemany (no RETURNING: SQLite would then insert row by row), then read the new ids back
        insert_rows(conn, matches, INSERT_COLUMNS, new_rows)
        new_ids = _ids_by_key(conn, {row[1] for row in new_rows})
        for index, row in zip(new_records, new_rows, strict=True):
            comp_id, season_id, key, home_id, away_id = row[:5]
            match_ids[index] = new_ids[(season_id, key)]
            counts.changes.append(MatchChange(match_ids[index], True, {}, comp_id, season_id, home_id, away_id))
    child_changed = sync_children(conn, resolver, records, ids, match_ids, source)
    changed_ids = {c.match_id for c in counts.changes}
    for index, match_id in enumerate(match_ids):
        if match_id in child_changed and match_id not in changed_ids:
            comp_id, season_id, home_id, away_id, _kind = ids[index]
            counts.changes.append(MatchChange(match_id, False, {"children": True}, comp_id, season_id, home_id,
                                              away_id))
            changed_ids.add(match_id)
            counts.unchanged -= 1
    counts.provenance_only = [c for c in counts.provenance_only if c.match_id not in changed_ids]
    content_hash.forget(conn, [c.match_id for c in (*counts.changes, *counts.provenance_only) if not c.new])
    counts.new = sum(1 for c in counts.changes if c.new)
    counts.changed = len(counts.changes) - counts.new
    counts.match_ids = match_ids
    keyed = [(rec.source_key, match_id) for rec, match_id in zip(records, match_ids, strict=True) if rec.source_key]
    if keyed:
        attach_match_keys(conn, source, keyed)
    return counts


def _merge_known(conn: Connection, records: Sequence[MatchRecord], ids: list[tuple[int, int, int, int, str]],
                 known: list[tuple[int, tuple]], source: str, now: datetime, counts: WriteCounts,
                 relabelled: set[int]) -> None:
    """Merge records of stored matches (``known``: record index, stored row) and write what changed; the stage of
    a ``relabelled`` record is not said (None), so the stored label stays."""
    pending: list[tuple[int, tuple, tuple]] = []
    for index, old in known:
        values = _values(records[index])
        if index in relabelled:
            values = (None, *values[1:])
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
