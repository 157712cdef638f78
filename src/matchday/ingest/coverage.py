"""Coverage (the MART layer): per competition, season and endpoint, what a job's target asks against what is held.

- count: matches stored for the competition and season (endpoints returning matches), else the records of the
  job's last parsed response; against ``min_count``;
- freshness: minutes since the job last succeeded, against ``max_lag_minutes`` (computed as of the moment asked);
- completeness: the share of ``required_fields`` present (match columns such as ``kickoff_utc``, ``referee``; for
  other records their attributes);
- status: ``critical`` below ``critical_ratio`` of a target (or a lag over max/critical_ratio), ``warning`` below
  the target (completeness below ``warning_ratio``), else ``ok``;
- percentages (the collector design's figures, reported beside these): count, freshness and completeness as %
  and their weighted overall (count 0.5, freshness 0.3, completeness 0.2).
"""

from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from matchday.domain.records import ParseResult
from matchday.ingest.job_config import CoverageTarget, JobDefinition
from matchday.store import coverage as coverage_store
from matchday.store.schema import matches

SEVERITY = {"ok": 0, "warning": 1, "critical": 2}


def judge(target: CoverageTarget, count: int, lag_minutes: float | None, completeness: float | None) -> str:
    worst = "ok"

    def worse(status: str) -> None:
        nonlocal worst
        if SEVERITY[status] > SEVERITY[worst]:
            worst = status

    if target.min_count:
        ratio = count / target.min_count
        if ratio < target.critical_ratio:
            worse("critical")
        elif ratio < 1:
            worse("warning")
    if target.max_lag_minutes is not None:
        if lag_minutes is None or lag_minutes > target.max_lag_minutes / target.critical_ratio:
            worse("critical")
        elif lag_minutes > target.max_lag_minutes:
            worse("warning")
    if completeness is not None:
        if completeness < target.critical_ratio:
            worse("critical")
        elif completeness < target.warning_ratio:
            worse("warning")
    return worst


def _field(record: Any, name: str) -> Any:
    """A record's field, or the entry of its ``attributes`` (reference records keep their details there)."""
    value = getattr(record, name, None)
    if value is None:
        attributes = getattr(record, "attributes", None)
        value = attributes.get(name) if isinstance(attributes, dict) else None
    return value


WEIGHTS = {"count": 0.5, "freshness": 0.3, "completeness": 0.2}  # the collector design's overall coverage


def percentages(count: int, min_count: int | None, lag_minutes: float | None, max_lag_minutes: float | None,
                completeness: float | None) -> dict[str, float | None]:
    """The collector design's view next to the raw figures: count and completeness as % of their targets,
    freshness as % (100 while within ``max_lag_minutes``, then ``max_lag / lag``; 0 when never fetched), and
    the weighted overall (count 0.5, freshness 0.3, completeness 0.2) over the parts that have a target (the
    weights of the others are shared out in proportion)."""
    parts: dict[str, float | None] = {
        "count": min(100.0, 100.0 * count / min_count) if min_count else None,
        "freshness": None if max_lag_minutes is None else 0.0 if lag_minutes is None else
        100.0 * min(1.0, max_lag_minutes / lag_minutes) if lag_minutes > 0 else 100.0,
        "completeness": None if completeness is None else 100.0 * completeness,
    }
    weighted = {k: v for k, v in parts.items() if v is not None}
    total = sum(WEIGHTS[k] for k in weighted)
    overall = sum(WEIGHTS[k] * v for k, v in weighted.items()) / total if total else None
    return {f"{k}_pct": None if v is None else round(v, 1) for k, v in parts.items()} | {
        "overall_pct": None if overall is None else round(overall, 1)}


def records_of(parsed: ParseResult) -> list[Any]:
    found: list[Any] = []
    for f in dc_fields(parsed):
        value = getattr(parsed, f.name)
        if f.name != "problems" and isinstance(value, list):
            found.extend(value)
    return found


def _key_of(record: Any) -> tuple[str, str] | None:
    competition = getattr(record, "competition", None)
    return (competition.code, record.season) if competition is not None and getattr(record, "season", None) \
        else None


def _completeness(present: dict[str, int], total: int, required: list[str]) -> tuple[float | None, dict[str, float]]:
    if not required:
        return None, {}
    if total == 0:
        return 0.0, {f: 0.0 for f in required}
    shares = {f: present.get(f, 0) / total for f in required}
    return sum(shares.values()) / len(shares), {f: round(s, 4) for f, s in shares.items() if s < 1}


def recompute(engine: Engine, job: JobDefinition, parsed: ParseResult | None, returns: str,
              last_success_at: datetime | None) -> list[dict[str, Any]]:
    """The job's coverage rows after a run (``parsed``: what its response gave; None when it failed)."""
    target = job.coverage_target or CoverageTarget()
    now = coverage_store.now()
    lag = (now - last_success_at).total_seconds() / 60 if last_success_at else None
    keys: set[tuple[str, str]] = set()
    if parsed is not None:
        keys = {key for r in records_of(parsed) if (key := _key_of(r)) is not None}
    previous = {(r["competition"], r["season"], r["endpoint"]): r
                for r in coverage_store.rows_of_job(engine, job.job_id)}
    keys |= {(competition, season) for competition, season, _endpoint in previous}
    if not keys:
        keys = {(job.league or "-", job.season or "-")}
    rows = []
    for competition, season in sorted(keys):
        previous_row = previous.get((competition, season, job.endpoint))
        if returns == "matches":
            count, present = coverage_store.match_counts(engine, competition, season, target.required_fields)
            completeness, missing = _completeness(present, count, [f for f in target.required_fields
                                                                   if f in matches.c])
        elif parsed is not None:
            records = [r for r in records_of(parsed) if _key_of(r) in (None, (competition, season))]
            count = len(records)
            present = {f: sum(1 for r in records if _field(r, f) is not None) for f in target.required_fields}
            completeness, missing = _completeness(present, count, target.required_fields)
        elif previous_row is not None:
            count, completeness = previous_row["count"], previous_row["completeness"]
            missing = previous_row["missing_fields"]
        else:
            count, completeness, missing = 0, (0.0 if target.required_fields else None), {}
        rows.append({"job_id": job.job_id, "provider": job.provider, "endpoint": job.endpoint,
                     "competition": competition, "season": season, "count": count, "min_count": target.min_count,
                     "lag_minutes": lag, "max_lag_minutes": target.max_lag_minutes, "completeness": completeness,
                     "missing_fields": missing, "status": judge(target, count, lag, completeness),
                     "computed_at": now})
    coverage_store.write(engine, rows)
    return rows


def report(engine: Engine, targets: dict[str, CoverageTarget], competition: str | None = None,
           season: str | None = None) -> list[dict[str, Any]]:
    """Coverage rows as of now: the lag grows while a job does not succeed, and the status with it."""
    now = coverage_store.now()
    result = []
    for row in coverage_store.rows(engine, competition, season):
        last = row.pop("last_success_at", None)
        lag = (now - last).total_seconds() / 60 if last else None
        target = targets.get(row["job_id"], CoverageTarget(min_count=row["min_count"],
                                                           max_lag_minutes=row["max_lag_minutes"]))
        row["lag_minutes"] = round(lag, 2) if lag is not None else None
        row["status"] = judge(target, row["count"], lag, row["completeness"])
        row.update(percentages(row["count"], row["min_count"], lag, row["max_lag_minutes"], row["completeness"]))
        row.pop("id", None)
        result.append(row)
    return result
