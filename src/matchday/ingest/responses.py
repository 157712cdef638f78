"""Archived provider responses → the store: parse (pure) → resolve → upsert, one transaction per response.

The same function serves a job run (right after the fetch) and ``matchday reparse`` (from the archive, without
calling the provider). A response the parser refuses is kept in the archive as ``failed`` with the reason (listed by
``matchday reparse --failed``) and nothing of it is written; a later parser fix re-parses it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import Engine

from matchday.domain.records import ParseResult
from matchday.errors import MatchdayError
from matchday.ingest.pipeline import UnitSummary, write_parsed
from matchday.sources.provider import Provider
from matchday.store import raw_archive
from matchday.store.runs import finish_run, start_run

log = structlog.get_logger(__name__)

#: what a parser may raise on a body it cannot read (malformed JSON, a missing key): refused, never half-written
PARSE_FAILURES = (MatchdayError, ValueError, KeyError, TypeError, IndexError, AttributeError)


@dataclass
class StoredResponse:
    response_id: int
    status: str  # ok | failed
    summary: UnitSummary
    parsed: ParseResult | None = None
    error: str | None = None


def store_response(engine: Engine, provider: Provider, response_id: int, endpoint: str,
                   params: Mapping[str, Any], body: bytes) -> StoredResponse:
    name = provider.info.name
    location = f"raw:{response_id} {name}/{endpoint}?{json.dumps(dict(params), sort_keys=True)}"
    summary = UnitSummary(location, duration_s=time.perf_counter())
    with engine.begin() as conn:
        run_id = start_run(conn, name, location)
    try:
        parsed = provider.parse(endpoint, params, body)
    except PARSE_FAILURES as exc:
        return _failed(engine, run_id, response_id, summary, f"parse: {exc.__class__.__name__}: {exc}")
    try:
        write_parsed(engine, name, run_id, location, parsed, summary)  # one transaction: all of it or nothing
    except Exception as exc:  # noqa: BLE001 - the write rolled back whole; recorded and listed, never raised on
        return _failed(engine, run_id, response_id, summary, f"store: {exc.__class__.__name__}: {exc}")
    raw_archive.mark(engine, response_id, "ok")
    return StoredResponse(response_id, "ok", summary, parsed)


def _failed(engine: Engine, run_id: int, response_id: int, summary: UnitSummary, error: str) -> StoredResponse:
    summary.status, summary.error = "failed", error
    summary.duration_s = time.perf_counter() - summary.duration_s
    with engine.begin() as conn:
        finish_run(conn, run_id, "failed", summary.duration_s, error=error)
    raw_archive.mark(engine, response_id, "failed", error)
    log.warning("response not stored", response_id=response_id, error=error)
    return StoredResponse(response_id, "failed", summary, None, error)


@dataclass
class ReparseReport:
    responses: int = 0
    parsed: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    duplicates: int = 0
    pruned: list[int] = field(default_factory=list)  # responses whose body the archive's retention removed
    new: int = 0
    changed: int = 0
    unchanged: int = 0


def reparse(engine: Engine, providers: Mapping[str, Provider], provider: str | None = None,
            since: datetime | None = None) -> ReparseReport:
    """Rebuild the store from the archive: every data response (error bodies aside), oldest first, each distinct
    (body, endpoint, params) once; duplicates take the outcome of the first."""
    report = ReparseReport()
    seen: dict[tuple[str, str, str, str], StoredResponse] = {}
    for item in raw_archive.responses(engine, provider, since, statuses=("pending", "ok", "failed")):
        if item.provider not in providers:
            continue
        report.responses += 1
        key = (item.provider, item.content_hash, item.endpoint, json.dumps(item.params, sort_keys=True))
        if key in seen:
            report.duplicates += 1
            first = seen[key]
            raw_archive.mark(engine, item.id, first.status, first.error)
            continue
        try:
            body = raw_archive.body_of(engine, item.content_hash)
        except raw_archive.BodyPruned:
            report.pruned.append(item.id)
            continue
        stored = store_response(engine, providers[item.provider], item.id, item.endpoint, item.params, body)
        seen[key] = stored
        if stored.status == "ok":
            report.parsed += 1
            report.new += stored.summary.new
            report.changed += stored.summary.changed
            report.unchanged += stored.summary.unchanged
        else:
            report.failed.append((item.id, stored.error or ""))
    return report
