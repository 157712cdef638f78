"""The store side of merging sources (DESIGN.md §9; rules in ``domain.merge``): set-based, per batch.

For matches already stored, the batch's read of the stored matches brings this source's provenance row along
(``match_writes._existing``), and every match where the source says nothing new is skipped (the common
re-load: no claims are rebuilt). For the rest it reads every source's row of those matches at once, rebuilds
each source's claim (stored values + its dissent), applies the new statement, resolves the match, and writes
back in one executemany per table: the changed matches, the provenance rows that changed, and the conflicts
that opened, changed or closed.

New matches keep their only source's provenance in their own row (``store.provenance_rows``), written with the
row; it becomes a ``match_sources`` row here, before the first merge into the match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, update

from matchday.domain import merge
from matchday.precedence import source_precedence
from matchday.store.bulk import insert_rows
from matchday.store.provenance_rows import materialise
from matchday.store.schema import match_conflicts, match_sources, matches

_CHUNK = 900
_NEUTRAL = merge.FIELDS.index("neutral")


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored match a record stands for: its id, competition code and values (``merge.FIELDS`` order)."""

    match_id: int
    season_id: int
    competition: str
    values: tuple
    own: tuple[int, Any] | None = None  # the writing source's provenance row (mask, dissent), None if it has none


@dataclass
class MergeOutcome:
    changed: dict[int, dict[str, Any]] = field(default_factory=dict)  # match → fields with their new value
    provenance_only: set[int] = field(default_factory=set)  # matches whose sources changed, not their values


def stored_values(row_values: Sequence[Any]) -> tuple:
    """A stored row's values as a claim sees them: ``neutral`` False means "not said"."""
    values = tuple(row_values)
    return values if values[_NEUTRAL] else (*values[:_NEUTRAL], None, *values[_NEUTRAL + 1:])


def _all_rows(conn: Connection, match_ids: Sequence[int]) -> dict[int, dict[str, tuple[int, Any]]]:
    found: dict[int, dict[str, tuple[int, Any]]] = defaultdict(dict)
    for chunk in _chunks(sorted(match_ids)):
        for m, source, mask, dissent in conn.execute(
                select(match_sources.c.match_id, match_sources.c.source, match_sources.c.fields,
                       match_sources.c.dissent).where(match_sources.c.match_id.in_(chunk))):
            found[m][source] = (mask, dissent)
    return found


_BIT_LIST = tuple(merge.BITS[name] for name in merge.FIELDS)


def _locked_values(conn: Connection, match_ids: Sequence[int]) -> dict[int, tuple]:
    """The stored values of these matches, their rows locked until the transaction ends: two loads merging
    into one match wait for each other instead of writing claims against values the other just changed."""
    found = {}
    for chunk in _chunks(sorted(match_ids)):
        for row in conn.execute(select(matches.c.id, *(matches.c[name] for name in merge.FIELDS))
                                .where(matches.c.id.in_(chunk)).with_for_update()):
            found[row[0]] = stored_values(row[1:])
    return found


def says_nothing_new(own: tuple[int, Any] | None, stored: tuple, incoming: tuple) -> bool:
    """The source said all this before (its claim: the stored values, or its dissent where it differs): the
    common re-load, decided without rebuilding any claim."""
    if own is None:
        return False
    mask, dissent = own
    differing = merge.from_json(dissent) if dissent else None
    for name, new, old, bit in zip(merge.FIELDS, incoming, stored, _BIT_LIST):  # noqa: B905 - all FIELDS long
        if new is None:
            continue
        if not mask & bit or new != (differing.get(name, old) if differing else old):
            return False
    return True


def _claims(rows: dict[str, tuple[int, Any]], stored: tuple) -> dict[str, dict[str, Any]]:
    values = dict(zip(merge.FIELDS, stored, strict=True))
    claims = {}
    for source, (mask, dissent) in rows.items():
        differing = merge.from_json(dissent or {})
        claim = {name: differing.get(name, values[name]) for name in merge.fields_of(mask)}
        claims[source] = {k: v for k, v in claim.items() if v is not None}
    if not claims:  # stored before provenance was kept
        claims[merge.EARLIER_LOAD] = merge.claim_of(stored)
    return claims


def merge_existing(conn: Connection, source: str, items: Sequence[Stored], incoming: Sequence[tuple],
                   now: datetime) -> MergeOutcome:
    """Merge each record's values (``incoming[i]`` for ``items[i]``) into its stored match."""
    outcome = MergeOutcome()
    if not items:
        return outcome
    work: dict[int, tuple[Stored, dict[str, Any]]] = {}
    for item, values in zip(items, incoming, strict=True):
        if item.match_id in work:  # the same match twice in one batch: the later statement adds to the first
            work[item.match_id][1].update(merge.claim_of(values))
        elif not says_nothing_new(item.own, item.values, values):
            work[item.match_id] = (item, merge.claim_of(values))
    if not work:
        return outcome
    if conn.dialect.name != "sqlite":  # SQLite has one writer; elsewhere lock what is merged, then re-read it
        fresh = _locked_values(conn, list(work))
        work = {m: (replace(item, values=fresh[m]), claim) for m, (item, claim) in work.items() if m in fresh}
    materialise(conn, list(work))  # a match's provenance kept in its row becomes match_sources rows first
    rows = _all_rows(conn, list(work))
    precedence = source_precedence()
    trusts: dict[str, merge.Trust] = {}
    source_updates: list[dict[str, Any]] = []
    source_inserts: list[tuple] = []
    wanted_conflicts: dict[int, list[merge.Conflict]] = {}
    for match_id, (item, claim) in work.items():
        old_rows = rows.get(match_id, {})
        claims = _claims(old_rows, item.values)
        before = claims.get(source)
        claims[source] = merge.update_claim(before, claim)
        trust = trusts.get(item.competition)
        if trust is None:
            trust = trusts[item.competition] = precedence.trust(item.competition)
        resolution = merge.resolve(claims, trust)
        values = resolution.values
        changed = {name: value for name, value, old in zip(merge.FIELDS, (values[f] for f in merge.FIELDS),
                                                             item.values, strict=True) if value != old}
        if "neutral" in changed:
            changed["neutral"] = bool(changed["neutral"])
        if changed:
            outcome.changed[match_id] = changed
        provenance_changed = False
        for name, source_claim in claims.items():
            mask = merge.mask_of(source_claim)
            differing = merge.to_json(merge.dissent(source_claim, values)) or None
            old = old_rows.get(name)
            if old is None:
                source_inserts.append((match_id, name, mask, differing, now))
                provenance_changed = True
            elif (mask, differing) != (old[0], old[1] or None):
                seen = now if name == source and source_claim != before else None
                source_updates.append({"b_match": match_id, "b_source": name, "fields": mask, "dissent": differing,
                                       "seen_at": seen})
                provenance_changed = True
        if provenance_changed and not changed:
            outcome.provenance_only.add(match_id)
        wanted_conflicts[match_id] = merge.conflicts(claims, resolution)
    insert_rows(conn, match_sources, ("match_id", "source", "fields", "dissent", "seen_at"), source_inserts)
    _update_sources(conn, source_updates)
    _sync_conflicts(conn, wanted_conflicts, now)
    return outcome


def _update_sources(conn: Connection, updates: list[dict[str, Any]]) -> None:
    where = and_(match_sources.c.match_id == bindparam("b_match"), match_sources.c.source == bindparam("b_source"))
    restated = [u for u in updates if u["seen_at"] is not None]
    recomputed = [{k: v for k, v in u.items() if k != "seen_at"} for u in updates if u["seen_at"] is None]
    for rows in (restated, recomputed):  # SET: the dicts' keys (one executemany per shape)
        if rows:
            conn.execute(update(match_sources).where(where), rows)


def _sync_conflicts(conn: Connection, wanted: dict[int, list[merge.Conflict]], now: datetime) -> None:
    """Make the conflicts of these matches what their claims say: open new ones, update, close the gone."""
    existing: dict[tuple[int, str, str], tuple] = {}
    for chunk in _chunks(sorted(wanted)):
        for row in conn.execute(select(match_conflicts.c.id, match_conflicts.c.match_id, match_conflicts.c.field,
                                       match_conflicts.c.other_source, match_conflicts.c.chosen_source,
                                       match_conflicts.c.chosen_value, match_conflicts.c.other_value,
                                       match_conflicts.c.resolved_at)
                                .where(match_conflicts.c.match_id.in_(chunk))):
            existing[(row.match_id, row.field, row.other_source)] = row
    inserts, updates = [], []
    for match_id, found in wanted.items():
        for c in found:
            row = existing.pop((match_id, c.field, c.other_source), None)
            current = (c.chosen_source, c.chosen_value, c.other_value)
            if row is None:
                inserts.append((match_id, c.field, *current[:2], c.other_source, c.other_value, now, now, None))
            elif (row.chosen_source, row.chosen_value, row.other_value) != current or row.resolved_at is not None:
                updates.append({"b_id": row.id, "chosen_source": c.chosen_source, "chosen_value": c.chosen_value,
                                "other_value": c.other_value, "updated_at": now, "resolved_at": None})
    for (match_id, _field, _other), row in existing.items():
        if match_id in wanted and row.resolved_at is None:  # the sources agree now
            updates.append({"b_id": row.id, "chosen_source": row.chosen_source, "chosen_value": row.chosen_value,
                            "other_value": row.other_value, "updated_at": now, "resolved_at": now})
    insert_rows(conn, match_conflicts, ("match_id", "field", "chosen_source", "chosen_value", "other_source",
                                        "other_value", "first_seen_at", "updated_at", "resolved_at"), inserts)
    if updates:
        conn.execute(update(match_conflicts).where(match_conflicts.c.id == bindparam("b_id")), updates)
