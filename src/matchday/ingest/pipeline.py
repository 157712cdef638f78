"""Load units through the one path: read → parse (pure) → resolve → upsert, one transaction per unit.

A unit that cannot be read or parsed writes nothing but its failed load run; a unit's bad rows are
quarantined while its good rows load; a unit interrupted mid-way rolls back whole and a re-run completes it.
"""

from __future__ import annotations

import gc
import gzip
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import structlog
from sqlalchemy import Engine

from matchday.domain.records import ParseResult
from matchday.errors import MatchdayError, UnreadableFile
from matchday.sources.base import LoadUnit, Source
from matchday.store import invalidation
from matchday.store.deductions import write_deductions
from matchday.store.identity import Resolver
from matchday.store.match_writes import MatchChange, write_matches
from matchday.store.provider_writes import (
    ProviderCounts,
    write_competitions,
    write_details,
    write_scorers,
    write_standings,
    write_teams,
)
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
    standings_changed: int = 0  # seasons whose published (provider) table changed
    details_applied: int = 0  # per-fixture parts (events, lineups, statistics ...) attached to stored matches
    duration_s: float = 0.0
    error: str | None = None
    changes: list[MatchChange] = field(default_factory=list, repr=False)


def read_contents(unit: LoadUnit) -> dict[str, bytes]:
    contents = {}
    for role, path in unit.files.items():
        try:
            data = path.read_bytes()
            contents[role] = gzip.decompress(data) if path.name.endswith(".gz") else data
        except FileNotFoundError:
            raise UnreadableFile(str(path), "no such file") from None
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise UnreadableFile(str(path), f"cannot read: {exc}") from None
    return contents


def write_parsed(engine: Engine, source_name: str, run_id: int, location: str, parsed: ParseResult,
                 summary: UnitSummary) -> None:
    with engine.begin() as conn:
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
        resolver.flush()
        invalidation.record(conn, invalidation.tags_for(counts.changes) | provided.tags)
        problems = [*parsed.problems, *provided.problems]
        replace_quarantine(conn, run_id, source_name, location, problems)
        summary.standings_changed, summary.details_applied = provided.standings_changed, provided.details_applied
        summary.rows_read, summary.quarantined = parsed.rows_read, len(problems)
        summary.new, summary.changed, summary.unchanged = counts.new, counts.changed, counts.unchanged
        summary.changes = counts.changes
        summary.duration_s = time.perf_counter() - summary.duration_s
        finish_run(conn, run_id, "ok", summary.duration_s, rows_read=summary.rows_read, new=summary.new,
                   changed=summary.changed, unchanged=summary.unchanged, quarantined=summary.quarantined)


def load_unit(engine: Engine, source: Source, unit: LoadUnit) -> UnitSummary:
    summary = UnitSummary(unit.location, duration_s=time.perf_counter())
    with engine.begin() as conn:
        run_id = start_run(conn, source.name, unit.location)
    try:
        parsed = source.parse(unit, read_contents(unit))
        write_parsed(engine, source.name, run_id, unit.location, parsed, summary)
    except (MatchdayError, ValueError) as exc:
        summary.status, summary.error = "failed", str(exc)
        summary.duration_s = time.perf_counter() - summary.duration_s
        with engine.begin() as conn:
            finish_run(conn, run_id, "failed", summary.duration_s, error=str(exc))
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
    with cyclic_gc_paused():
        for unit in units:
            summary = load_unit(engine, source, unit)
            summaries.append(summary)
            if on_done:
                on_done(summary)
    return summaries
