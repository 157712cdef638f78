"""Load runs and quarantined rows: what was loaded, from where, with what result."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, update

from matchday.domain.records import RowProblem
from matchday.store.match_writes import utcnow
from matchday.store.schema import load_runs, quarantined_rows


def start_run(conn: Connection, source: str, location: str) -> int:
    return conn.execute(insert(load_runs).returning(load_runs.c.id), {
        "source": source, "location": location, "started_at": utcnow(), "status": "running",
    }).scalar_one()


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
