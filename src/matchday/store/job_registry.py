"""The job definitions as last loaded, and each job's runtime state: lease, retry time, last outcome.

The lease is taken by one conditional UPDATE (free, or expired): whichever process or thread wins runs the job,
every other caller sees it taken. So a job never runs twice at once, across processes and databases alike.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, or_, select, update

from matchday.store.clock import db_now
from matchday.store.match_writes import utcnow
from matchday.store.schema import job_definitions


def sync(engine: Engine, definitions: Iterable[tuple[dict[str, Any], str]]) -> None:
    """Store the loaded definitions (``(job.model_dump(), source)``), keeping each job's runtime state."""
    rows = {d["job_id"]: (d, src) for d, src in definitions}
    now = utcnow()
    with engine.begin() as conn:
        existing = set(conn.execute(select(job_definitions.c.job_id)).scalars())
        gone = existing - rows.keys()
        if gone:
            conn.execute(delete(job_definitions).where(job_definitions.c.job_id.in_(gone)))
        for job_id, (definition, source) in rows.items():
            values = {"provider": definition["provider"], "job_type": definition["type"],
                      "priority": definition["priority"], "enabled": definition["enabled"], "definition": definition,
                      "source_file": source, "updated_at": now}
            if job_id in existing:
                conn.execute(update(job_definitions).where(job_definitions.c.job_id == job_id).values(**values))
            else:
                conn.execute(insert(job_definitions).values(job_id=job_id, failures=0, skipped=0, **values))


def acquire(engine: Engine, job_id: str, owner: str, lease_s: float) -> bool:
    with engine.begin() as conn:
        now = db_now(conn)
        taken = conn.execute(update(job_definitions).where(
            job_definitions.c.job_id == job_id,
            or_(job_definitions.c.lease_until.is_(None), job_definitions.c.lease_until < now),
        ).values(lease_until=now + timedelta(seconds=lease_s), lease_owner=owner[:80])).rowcount
    return taken == 1


def release(engine: Engine, job_id: str, owner: str, run_id: int | None, status: str,
            retry_after_s: float | None) -> None:
    """Free the lease and record the outcome: ok clears the failures, failed/skipped set the retry time."""
    now = utcnow()
    values: dict[str, Any] = {"lease_until": None, "lease_owner": None, "last_status": status}
    if run_id is not None:
        values["last_run_id"] = run_id
    with engine.begin() as conn:
        row = conn.execute(select(job_definitions.c.failures, job_definitions.c.skipped)
                           .where(job_definitions.c.job_id == job_id)).first()
        if row is None:
            return
        if status == "ok":
            values.update(failures=0, retry_at=None, last_success_at=now)
        elif status == "failed":
            values.update(failures=row.failures + 1)
        elif status == "skipped":
            values.update(skipped=row.skipped + 1)
        if status != "ok" and retry_after_s is not None:
            values["retry_at"] = now + timedelta(seconds=retry_after_s)
        conn.execute(update(job_definitions).where(job_definitions.c.job_id == job_id,
                                                   job_definitions.c.lease_owner == owner[:80]).values(**values))


def defer(engine: Engine, job_id: str, seconds: float) -> None:
    """Retry a job later without a run of its own (its dependency failed)."""
    with engine.begin() as conn:
        conn.execute(update(job_definitions).where(job_definitions.c.job_id == job_id)
                     .values(retry_at=utcnow() + timedelta(seconds=seconds), last_status="blocked"))


def states(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r["job_id"]: dict(r) for r in conn.execute(select(job_definitions)).mappings()}


def state(engine: Engine, job_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(job_definitions).where(job_definitions.c.job_id == job_id)).mappings().first()
    return dict(row) if row else None


def release_dead_leases(engine: Engine, lease_s: float) -> list[str]:
    """At a process's start: a job whose lease is held by a process of this host that is gone (``kill -9``, a
    crash) has its lease released, and its runs left ``running`` become ``interrupted``, as load runs are; a run
    still ``running`` past the lease, whoever held it, too. The jobs released (they may run again at once)."""
    from matchday.store.runs import process_alive
    from matchday.store.schema import job_runs

    host, now = socket.gethostname(), utcnow()
    released = []
    with engine.begin() as conn:
        for row in conn.execute(select(job_definitions.c.job_id, job_definitions.c.lease_owner)
                                .where(job_definitions.c.lease_owner.is_not(None))).all():
            parts = row.lease_owner.split(":")
            owner_host, pid = ":".join(parts[:-2]), parts[-2] if len(parts) >= 3 else ""
            if owner_host != host:  # another machine's process: its lease expires by itself
                continue
            if not pid.isdigit() or int(pid) == os.getpid() or process_alive(int(pid)):
                continue
            conn.execute(update(job_definitions).where(job_definitions.c.job_id == row.job_id,
                                                       job_definitions.c.lease_owner == row.lease_owner)
                         .values(lease_until=None, lease_owner=None, last_status="interrupted"))
            conn.execute(update(job_runs).where(job_runs.c.job == row.job_id, job_runs.c.status == "running")
                         .values(status="interrupted", finished_at=now,
                                 error=f"interrupted: process {pid} on {host} ended during the run"))
            released.append(row.job_id)
        conn.execute(update(job_runs).where(job_runs.c.status == "running",
                                            job_runs.c.started_at < now - timedelta(seconds=lease_s))
                     .values(status="interrupted", finished_at=now,
                             error=f"interrupted: still running after the {lease_s:g} s lease (MATCHDAY_JOB_LEASE_S)"))
    return released
