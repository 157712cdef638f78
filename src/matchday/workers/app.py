"""The Celery application of the scaled-out deployment: broker Redis, store PostgreSQL, jobs from the job files.

Celery is the engine; matchday only configures it. Tasks are acknowledged late and rejected when their worker is
lost, so a job whose worker dies (even ``kill -9``) is delivered again, to another worker, once the broker's
visibility timeout has passed; the job runner's lease (a row in the store, shared by every worker) keeps a job
from running twice at once; every job is idempotent (an upsert), so a re-run writes nothing twice. Beat's
schedule is built from the same job files the embedded scheduler reads (``config/jobs/*.yaml``).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

from celery import Celery
from celery.schedules import crontab, schedule
from sqlalchemy.engine import make_url

from matchday.errors import ConfigError
from matchday.ingest.job_config import CronInterval, JobRegistry, SecondsInterval
from matchday.settings import Settings, get_settings
from matchday.workers.queue import QUEUE


def check_scaled_out(settings: Settings) -> None:
    """Workers and beat need a server database and Redis: refuse, with the reason, anything else."""
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        raise ConfigError("`matchday worker` and `matchday beat` need PostgreSQL (set MATCHDAY_DATABASE_URL="
                          "postgresql://...): several processes write the store at once, which SQLite's single "
                          "writer cannot serve; the embedded deployment runs the jobs inside `matchday serve`")
    if not settings.redis_url:
        raise ConfigError("`matchday worker` and `matchday beat` need MATCHDAY_REDIS_URL: Redis is Celery's broker "
                          "and holds the shared quota, breaker states and live pub/sub")


def _cron(expression: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expression.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year,
                   day_of_week=day_of_week)


def beat_schedule(registry: JobRegistry, settings: Settings) -> dict[str, dict[str, Any]]:
    """One beat entry per enabled job, from its ``interval``; a bootstrap or backfill without one is offered
    every ``job_retry_s`` until it has succeeded once (the task skips it afterwards). Plus the maintenance sweep and
    the prediction reminders (every ``reminder_check_s``)."""
    entries: dict[str, dict[str, Any]] = {}
    for job in registry.enabled():
        interval = job.interval
        if isinstance(interval, CronInterval):
            when: Any = _cron(interval.cron)
        elif isinstance(interval, SecondsInterval):
            when = schedule(timedelta(seconds=interval.seconds))
        else:
            when = schedule(timedelta(seconds=settings.job_retry_s))
        entries[f"job:{job.job_id}"] = {"task": "matchday.run_job", "schedule": when, "args": (job.job_id,),
                                        "kwargs": {"trigger": "beat"},
                                        "options": {"expires": _expiry(interval, settings)}}
    entries["maintenance"] = {"task": "matchday.maintenance", "schedule": schedule(timedelta(minutes=5))}
    entries["reminders"] = {"task": "matchday.reminders",
                            "schedule": schedule(timedelta(seconds=settings.reminder_check_s)),
                            "options": {"expires": settings.reminder_check_s}}
    return entries


def _expiry(interval: Any, settings: Settings) -> float:
    """A beat message not picked up before the next one is due is dropped, so a backlog never runs twice."""
    if isinstance(interval, SecondsInterval):
        return max(interval.seconds, 1.0)
    return settings.job_retry_s if interval is None else 3600.0


def make_celery(settings: Settings) -> Celery:
    app = Celery("matchday", broker=settings.redis_url, include=["matchday.workers.tasks"])
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,  # acknowledged when done, not when received: a lost worker's job is delivered again
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds only what it runs: nothing waits behind a long job
        # a dead worker's unacknowledged task goes back to the queue once the visibility timeout has passed; sweep
        # for such tasks a few times per timeout (kombu's default sweep is every 100 s)
        broker_transport_options={
            "visibility_timeout": settings.worker_visibility_timeout_s,
            "unacked_restore_interval": max(1, min(10, int(settings.worker_visibility_timeout_s / 4))),
            "unacked_restore_throttle": 1,
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a Redis restart: keep reconnecting
        task_ignore_result=True,  # outcomes live in the job-run records (`matchday jobs`, the admin API)
        worker_hijack_root_logger=False,
        timezone="UTC",
        enable_utc=True,
        beat_max_loop_interval=1,
    )
    return app


@lru_cache(maxsize=1)
def celery_app() -> Celery:
    return make_celery(get_settings())
