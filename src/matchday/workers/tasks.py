"""Celery tasks: thin wrappers over the one job runner (``Collector.run_job``) and the maintenance sweep.

A job is defined once (the job files) and run by the same code as in the embedded scheduler; what a task adds is
Celery's delivery: a beat tick that finds its job still waiting for a retry (or a bootstrap already done) does
nothing; a job delivered again after its worker died waits for the dead run's lease to expire, then runs; what a
job committed is delivered by the change stream's one publish loop (``ingest.publish``, a lease per subscriber in
the store, so two workers never deliver one row twice): the feed to Redis, results to prediction-league scoring.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import structlog
from celery import Task
from celery.signals import worker_process_shutdown
from sqlalchemy import Engine

from matchday.ingest.collector import Collector
from matchday.ingest.job_config import JobType
from matchday.ingest.publish import Publisher
from matchday.runtime import push_sender, redis_sender, subscribers
from matchday.store import job_registry
from matchday.workers.app import celery_app

log = structlog.get_logger(__name__)
app = celery_app()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@lru_cache(maxsize=1)
def worker_collector() -> Collector:
    """One collector per worker process (its HTTP client, quota and breaker views, live runners); it reads the
    accounts' plans before its first job sends anything (a plan configured wrong is reported in the worker's log)."""
    collector = Collector.create(sync_definitions=False)
    collector.read_plans()
    return collector


@lru_cache(maxsize=1)
def _users_engine() -> Engine:
    """The users store (prediction leagues): the football store's engine unless it has its own database."""
    from matchday.accounts.store import users_engine

    collector = worker_collector()
    return users_engine(collector.settings, collector.engine)


@lru_cache(maxsize=1)
def _publisher() -> Publisher:
    """The worker process's publisher: the feed to Redis, results to prediction-league scoring, Web Push."""
    collector = worker_collector()
    send, _close = redis_sender(collector.settings.redis_url)
    push = push_sender(_users_engine(), collector.settings)  # Web Push, with the API processes' VAPID key file
    return Publisher(collector.engine, subscribers(collector.engine, _users_engine(), send, push))


@worker_process_shutdown.connect
def _close(**_kwargs: Any) -> None:
    if worker_collector.cache_info().currsize:
        worker_collector().close()


def publish_feed() -> int:
    """Deliver what the change stream holds that no process delivered yet (``ingest.publish``)."""
    return _publisher().publish_once()


def _nothing_to_do(collector: Collector, job_id: str, trigger: str) -> str | None:
    """Why a scheduled delivery (a beat tick, or beat's start) should not run ``job_id`` now (None: run it)."""
    job = collector.registry.jobs[job_id]
    state = job_registry.state(collector.engine, job_id) or {}
    last_success = state.get("last_success_at")
    if job.interval is None and job.type in (JobType.STATIC_BOOTSTRAP, JobType.BACKFILL) and last_success:
        return "done before"
    if trigger == "startup" and job.interval is not None and last_success \
            and job.interval.next_after(last_success) > _now():
        return "ran recently; beat runs it at its next time"
    retry_at = state.get("retry_at")
    # a live loop's next tick is its retry: it never waits out a backoff while matches are in play
    if job.type is not JobType.LIVE_LOOP and retry_at is not None and retry_at > _now():
        return f"waiting for its retry at {retry_at:%H:%M:%S}"
    return None


@app.task(name="matchday.run_job", bind=True, max_retries=None)
def run_job(self: Task, job_id: str, trigger: str = "beat") -> dict[str, Any]:
    collector = worker_collector()
    if job_id not in collector.registry.jobs:
        log.warning("unknown job (job files changed?)", job_id=job_id)
        return {"job_id": job_id, "status": "unknown"}
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    if trigger in ("beat", "startup") and not redelivered and (why := _nothing_to_do(collector, job_id, trigger)):
        return {"job_id": job_id, "status": "not due", "why": why}
    outcome = collector.run_job(job_id, f"celery:{trigger}")
    publish_feed()
    if outcome.status == "busy" and redelivered:
        # the worker that held it died mid-run: its lease runs out, then this delivery runs the job
        state = job_registry.state(collector.engine, job_id) or {}
        lease_until = state.get("lease_until") or _now()
        raise self.retry(countdown=max(1.0, (lease_until - _now()).total_seconds() + 1))
    if outcome.status in ("failed", "skipped"):
        state = job_registry.state(collector.engine, job_id) or {}
        retry_at = state.get("retry_at")
        if retry_at is not None:  # the runner's backoff (quota, breaker, failures) decides when
            run_job.apply_async((job_id,), {"trigger": "retry"},
                                countdown=max(0.0, (retry_at - _now()).total_seconds()))
    log.info("job run", job_id=job_id, status=outcome.status, items=outcome.items, requests=outcome.requests)
    return {"job_id": job_id, "status": outcome.status, "run_id": outcome.run_id, "items": outcome.items}


@app.task(name="matchday.maintenance")
def maintenance() -> dict[str, Any]:
    """Every 5 minutes: deliver what a dead worker committed but did not deliver, score the prediction leagues left
    out of date (a crashed sync: the lease in the users store keeps it to one worker), and prune the logs that grow
    with traffic (``ingest.maintenance``)."""
    from matchday.ingest.maintenance import maintain
    from matchday.pools.sync import sweep

    scored = sweep(_users_engine(), worker_collector().engine)
    pruned = maintain(worker_collector().engine, worker_collector().settings)
    return {"published": publish_feed(), "prediction_leagues_scored": len(scored), "pruned": pruned}


@app.task(name="matchday.reminders")
def reminders() -> dict[str, Any]:
    """Every ``MATCHDAY_REMINDER_CHECK_S``: prediction reminders due now (``pools.reminders``; a claim row per
    member, round and channel keeps two workers from sending one twice)."""
    from matchday.runtime import Reminders

    collector = worker_collector()
    return {"reminders_sent": Reminders(_users_engine(), collector.engine, collector.settings).send_once()}
