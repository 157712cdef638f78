"""Load runs and quarantined rows: what was loaded, from where, with what result."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select, update

from matchday.domain.records import RowProblem
from matchday.store.match_writes import utcnow
from matchday.store.schema import load_runs, quarantined_rows


def start_run(conn: Connection, source: str, location: str) -> int:
    return conn.execute(insert(load_runs).returning(load_runs.c.id), {
        "source": source, "location": location, "started_at": utcnow(), "status": "running",
        "pid": os.getpid(), "host": socket.gethostname()[:255],
    }).scalar_one()


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie, killed but not reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc: trust kill(0)


def mark_interrupted_runs(conn: Connection, lease_s: float) -> int:
    """Runs left ``running`` by a process that is gone (killed, crashed, the machine rebooted) become
    ``interrupted``: on this host when their process no longer exists, anywhere once older than the lease.
    Their transaction never committed, so nothing of them is in the store; re-running the load completes it."""
    host, now = socket.gethostname()[:255], utcnow()
    stale = []
    for run in conn.execute(select(load_runs.c.id, load_runs.c.pid, load_runs.c.host, load_runs.c.started_at)
                            .where(load_runs.c.status == "running")):
        if run.host == host and run.pid is not None and run.pid != os.getpid() and not process_alive(run.pid):
            stale.append((run.id, f"interrupted: process {run.pid} on {host} ended before the load finished"))
        elif now - run.started_at > timedelta(seconds=lease_s):
            stale.append((run.id, f"interrupted: still running after {lease_s:g} s (MATCHDAY_LOAD_RUN_LEASE_S)"))
    for run_id, reason in stale:
        conn.execute(update(load_runs).where(load_runs.c.id == run_id, load_runs.c.status == "running")
                     .values(status="interrupted", finished_at=now, error=reason))
    return len(stale)


def finish_run(conn: Connection, run_id: int, status: str, duration_s: float, *, rows_read: int = 0,
               new: int = 0, changed: int = 0, unchanged: int = 0, quarantined: int = 0,
               error: str | None = None) -> None:
    conn.execute(update(load_runs).where(load_runs.c.id == run_id).values(
        status=status, finished_at=utcnow(), duration_s=duration_s, rows_read=rows_read, matches_new=new,
        matches_changed=changed, matches_unchanged=unchanged, rows_quarantined=quarantined, error=error,
    ))


def replace_quarantine(conn: Connection, run_id: int, source: str, location: str,
                       problems: Sequence[RowProblem]) -> None:
    """The quarantine of a file is what its latest load found: re-loading never piles up duplicates."""
    conn.execute(delete(quarantined_rows).where(quarantined_rows.c.source == source,
                                                quarantined_rows.c.location == location))
    if problems:
        conn.execute(insert(quarantined_rows), [
            {"load_run_id": run_id, "source": source, "location": location, "line": p.line, "field": p.field,
             "reason": p.reason, "raw_text": p.raw[:2000]} for p in problems
        ])
