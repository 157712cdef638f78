"""Retention (DESIGN §13): the logs that grow with traffic are pruned by one maintenance job, run by the embedded
scheduler every ``MATCHDAY_MAINTENANCE_S`` and by Celery beat's maintenance task alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import Engine

from matchday.settings import Settings
from matchday.store import jobs, outbox, raw_archive

log = structlog.get_logger(__name__)


def prune_archive(engine: Engine, keep_days: float) -> int:
    """Drop raw bodies fetched more than ``keep_days`` ago (their responses' records stay)."""
    return raw_archive.prune_bodies(engine, datetime.now(UTC).replace(tzinfo=None) - timedelta(days=keep_days))


def maintain(engine: Engine, settings: Settings) -> dict[str, int]:
    """Prune delivered outbox rows, old cache tags, old job runs and old raw bodies; returns rows removed."""
    now = datetime.now(UTC).replace(tzinfo=None)
    removed = outbox.prune(engine, keep_s=settings.outbox_keep_s, tags_keep_s=settings.cache_log_keep_s)
    removed["job_runs"] = jobs.prune(engine, now - timedelta(days=settings.job_runs_keep_days))
    removed["raw_bodies"] = prune_archive(engine, settings.archive_keep_days)
    if any(removed.values()):
        log.info("maintenance pruned", **removed)
    return removed
