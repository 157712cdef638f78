"""Job runs: what ran, for how long, with how many items and requests, how it ended, and its log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from matchday.store.schema import job_runs


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start(engine: Engine, job: str, *, job_type: str | None = None, provider: str | None = None,
          priority: str | None = None, trigger: str | None = None) -> tuple[int, datetime]:
    started = _now()
    with engine.begin() as conn:
        run_id = conn.execute(insert(job_runs).returning(job_runs.c.id), {
            "job": job, "started_at": started, "status": "running", "items": 0, "job_type": job_type,
            "provider": provider, "priority": priority, "trigger": trigger, "requests": 0}).scalar_one()
    return run_id, started


def finish(engine: Engine, run_id: int, started: datetime, status: str, items: int = 0,
           error: str | None = None, *, requests: int | None = None, log: list[dict[str, Any]] | None = None) -> None:
    finished = _now()
    values: dict[str, Any] = {"finished_at": finished, "duration_s": (finished - started).total_seconds(),
                              "status": status, "items": items, "error": error}
    if requests is not None:
        values["requests"] = requests
    if log is not None:
        values["log"] = log
    with engine.begin() as conn:
        conn.execute(update(job_runs).where(job_runs.c.id == run_id).values(**values))


def recent(engine: Engine, limit: int = 10, *, job: str | None = None, job_type: str | None = None,
           status: str | None = None) -> list[dict]:
    query = select(job_runs).order_by(job_runs.c.id.desc()).limit(limit)
    if job:
        query = query.where(job_runs.c.job == job)
    if job_type:
        query = query.where(job_runs.c.job_type == job_type)
    if status:
        query = query.where(job_runs.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [dict(r) for r in rows]


def get(engine: Engine, run_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(job_runs).where(job_runs.c.id == run_id)).mappings().first()
    return dict(row) if row else None


def prune(engine: Engine, older_than: datetime) -> int:
    """Delete the records of runs that finished before ``older_than`` (a running one stays); returns how many."""
    with engine.begin() as conn:
        return conn.execute(job_runs.delete().where(job_runs.c.started_at < older_than,
                                                    job_runs.c.status != "running")).rowcount
