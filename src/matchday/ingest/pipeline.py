"""Load units through the one path: read → parse (pure) → resolve → upsert, one transaction per unit.

A unit that cannot be read or parsed writes nothing but its failed load run; a unit's bad rows are
quarantined while its good rows load; a unit interrupted mid-way rolls back whole and a re-run completes it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import structlog
from sqlalchemy import Connection, Engine

from matchday.domain.changes import EVERYTHING, MatchChange
from matchday.domain.records import ParseResult, RowProblem
from matchday.errors import MatchdayError
from matchday.ingest.apply import writing
from matchday.ingest.bulk import write_columnar
from matchday.settings import get_settings
from matchday.sources.base import LoadUnit, Source
from matchday.sources.columnar import ColumnarParse
from matchday.sources.csvtext import LIMITS, InputLimits
from matchday.sources.csvtext import input_limits as csv_limits
from matchday.sources.reading import read_bounded
from matchday.store.deductions import write_deductions
from matchday.store.deferred_indexes import validate_deferred_keys
from matchday.store.identity import Resolver
from matchday.store.match_writes import WriteCounts, write_matches
from matchday.store.planner_stats import refresh_after_load
from matchday.store.provider_writes import (
    ProviderCounts,
    write_competitions,
    write_details,
    write_scorers,
    write_standings,
    write_teams,
)
from matchday.store.reference_writes import write_countries, write_injuries, write_squads, write_venues
from matchday.store.runs import finish_run, replace_quarantine, start_run

log = structlog.get_logger(__name__)


@dataclass
class UnitSummary:
    location: str
    status: str = "ok"
    rows_read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0
    deductions_new: int = 0
    not_matches: int = 0  # rows the source documents as no match (cup byes): counted, not stored
    standings_changed: int = 0  # seasons whose published (provider) table changed
    details_applied: int = 0  # per-fixture parts (events, lineups, statistics ...) attached to stored matches
    duration_s: float = 0.0
    error: str | None = None
    changes: list[MatchChange] = field(default_factory=list, repr=False)

    def close_run(self, conn: Connection, run_id: int, source_name: str, location: str, counts: WriteCounts,
                  problems: list[RowProblem], rows_read: int, not_matches: dict[str, int]) -> None:
        """Quarantine the unit's bad rows, take its counts and end its load run as ok, in the write's transaction
        (the record path and the columnar path alike)."""
        replace_quarantine(conn, run_id, source_name, location, problems)
        self.rows_read, self.quarantined, self.not_matches = rows_read, len(problems), sum(not_matches.values())
        self.new, self.changed, self.unchanged = counts.new, counts.changed, counts.unchanged
        self.changes = counts.changes
        self.duration_s = time.perf_counter() - self.duration_s
        finish_run(conn, run_id, "ok", self.duration_s, rows_read=self.rows_read, new=self.new,
                   changed=self.changed, unchanged=self.unchanged, quarantined=self.quarantined)


def configured_limits() -> InputLimits:
    settings = get_settings()
    return InputLimits(max_bytes=settings.max_input_bytes, max_line_chars=settings.max_line_chars)


def read_contents(unit: LoadUnit, limits: InputLimits | None = None) -> dict[str, bytes]:
    """Each file of the unit, bounded (see ``sources.reading``): regular files only, size capped."""
    max_bytes = (limits or LIMITS.get()).max_bytes
    return {role: read_bounded(path, max_bytes) for role, path in unit.files.items()}


def write_parsed(engine: Engine, source_name: str, run_id: int, location: str, parsed: ParseResult,
                 summary: UnitSummary) -> None:
    with writing(engine) as (conn, changes):
        resolver = Resolver(conn, source_name)
        counts = write_matches(conn, resolver, parsed.matches, source_name)
        summary.deductions_new = write_deductions(conn, resolver, parsed.deductions)
        for alias in parsed.aliases:
            resolver.add_alias(alias)
        provided = ProviderCounts()
        write_competitions(resolver, parsed.competitions, provided)
        write_teams(resolver, parsed.teams, provided)
        write_standings(conn, resolver, source_name, parsed.standings, provided)
        write_scorers(conn, resolver, source_name, parsed.scorers, provided)
        write_details(conn, resolver, source_name, parsed.details, provided)
        write_countries(conn, source_name, parsed.countries, provided)
        write_venues(conn, resolver, source_name, parsed.venues, provided)
        write_squads(conn, resolver, source_name, parsed.squads, provided)
        write_injuries(conn, resolver, source_name, parsed.injuries, provided)
        resolver.flush()
        summary.standings_changed, summary.details_applied = provided.standings_changed, provided.details_applied
        summary.close_run(conn, run_id, source_name, location, counts, [*parsed.problems, *provided.problems],
                          parsed.rows_read, parsed.not_matches)
        changes.add(counts.changes, counts.provenance_only)
        changes.tags |= provided.tags | ({EVERYTHING} if resolver.renamed_teams else set())


def parse_unit(source: Source, unit: LoadUnit) -> ParseResult | ColumnarParse:
    """Read (bounded) and parse one unit; no database. Columns where the source has a columnar parser for the
    unit (its new seasons are then loaded in bulk, ingest/bulk.py), else records."""
    columnar = getattr(source, "parse_columnar", None)
    with csv_limits(configured_limits()):
        contents = read_contents(unit)
        bulk = columnar(unit, contents) if columnar else None
        return bulk if bulk is not None else source.parse(unit, contents)


def load_unit(engine: Engine, source: Source, unit: LoadUnit,
              parsed: Callable[[], ParseResult | ColumnarParse] | None = None,
              log_failure: bool = True) -> UnitSummary:
    """Load one unit; ``parsed`` gives its parse when that was started ahead (``load_units``)."""
    summary = UnitSummary(unit.location, duration_s=time.perf_counter())
    with engine.begin() as conn:
        run_id = start_run(conn, source.name, unit.location)
    try:
        result = parsed() if parsed is not None else parse_unit(source, unit)
        if isinstance(result, ColumnarParse):
            write_columnar(engine, source.name, run_id, unit.location, result, summary)
        else:
            write_parsed(engine, source.name, run_id, unit.location, result, summary)
    except (MatchdayError, ValueError) as exc:
        summary.status, summary.error = "failed", str(exc)
        summary.duration_s = time.perf_counter() - summary.duration_s
        with engine.begin() as conn:
            finish_run(conn, run_id, "failed", summary.duration_s, error=str(exc))
        if log_failure:
            log.warning("load failed", source=source.name, location=unit.location, error=str(exc))
    return summary


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything acyclic).

    A large unit is hundreds of thousands of live records; every automatic collection would walk them all
    again while they are being written (measured: a quarter of a bulk load's time). Cycles made meanwhile
    are collected once the load is over.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_units(engine: Engine, source: Source, units: Sequence[LoadUnit],
               on_done: Callable[[UnitSummary], None] | None = None) -> list[UnitSummary]:
    summaries = []
    # the next unit is read and parsed (pure, no database; polars works without the GIL) while this one is
    # written: on two cores the parse of a bulk load mostly disappears behind the database's work
    try:
        with cyclic_gc_paused(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse-ahead") as ahead:
            pending = ahead.submit(parse_unit, source, units[0]) if units else None
            for index, unit in enumerate(units):
                current = pending
                pending = ahead.submit(parse_unit, source, units[index + 1]) if index + 1 < len(units) else None
                summary = load_unit(engine, source, unit, current.result if current else None,
                                    log_failure=on_done is None)  # a caller that reports each unit says it once
                summaries.append(summary)
                if on_done:
                    on_done(summary)
    finally:  # the units committed before an error leave no key unproven
        validate_deferred_keys(engine)
    refresh_after_load(engine, sum(summary.new for summary in summaries))
    return summaries
