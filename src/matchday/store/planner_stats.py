"""PostgreSQL's planner statistics refreshed after a large load, instead of a minute later by autovacuum.

A first load fills ``matches`` from nothing. Until the table is analysed the planner has no statistics and
reads a season's matches (``season_id IN (...)``, what every merge and re-load asks) with a scan of the whole
table; PostgreSQL's own advice for bulk loads is to run ``ANALYZE`` afterwards ("Populating a Database").
Measured on the load benchmark's set: ``ANALYZE matches`` ~0.3 s after each of its two loads; the next re-load's
reads of stored hashes 0.73 s → 0.38 s. SQLite plans these reads by the (season, key) index without statistics.

It is only an optimisation, after the load's units have committed: it waits at most ``LOCK_WAIT`` for the table
(another load's unit may hold it, see ``store.deferred_indexes``) and a failure is logged, never raised.
"""

from __future__ import annotations

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from matchday.store.deferred_indexes import LOCK_WAIT

ANALYZE_AFTER = 10_000  # new matches in one load from which ``matches`` is analysed at its end

log = structlog.get_logger(__name__)


def refresh_after_load(engine: Engine, new_matches: int) -> None:
    """Analyse ``matches`` (its own short transaction) when a load added ``ANALYZE_AFTER`` matches or more."""
    if engine.dialect.name != "postgresql" or new_matches < ANALYZE_AFTER:
        return
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            conn.exec_driver_sql("ANALYZE matches")
    except DBAPIError as exc:  # the load itself is done and committed: the statistics wait for autovacuum
        log.warning("statistics not refreshed after the load", error=str(exc).splitlines()[0])
