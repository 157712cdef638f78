"""Job runs of the scheduler: what ran, for how long, with how many items, how it ended."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from matchday.store.schema import job_runs


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def start(engine: Engine, job: str) -> tuple[int, datetime]:
    started = _now()
    with engine.begin() as conn:
        run_id = conn.execute(insert(job_runs).returning(job_runs.c.id),
                              {"job": job, "started_at": started, "status": "running", "items": 0}).scalar_one()
    return run_id, started


def finish(engine: Engine, run_id: int, started: datetime, status: str, items: int = 0,
           error: str | None = None) -> None:
    finished = _now()
    with engine.begin() as conn:
        conn.execute(update(job_runs).where(job_runs.c.id == run_id).values(
            finished_at=finished, duration_s=(finished - started).total_seconds(), status=status, items=items,
            error=error))


def recent(engine: Engine, limit: int = 10) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(job_runs).order_by(job_runs.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]
