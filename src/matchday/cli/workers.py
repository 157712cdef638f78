"""`matchday worker` and `matchday beat`: Celery's own worker and beat, configured for matchday.

Options after the command go to Celery unchanged (``matchday worker --concurrency 4 --loglevel DEBUG``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from matchday.cli.common import app, fail, store_engine
from matchday.errors import MatchdayError
from matchday.settings import get_settings

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def _prepare():  # noqa: ANN202 - the Celery app
    from matchday.workers.app import celery_app, check_scaled_out

    settings = get_settings()
    try:
        check_scaled_out(settings)
    except MatchdayError as exc:
        fail(exc)
    return settings, celery_app()


@app.command(context_settings=PASS_THROUGH)
def worker(ctx: typer.Context) -> None:
    """Run a Celery worker for the collector's jobs and maintenance (needs PostgreSQL and Redis).

    The default pool is threads: jobs wait on HTTP and the database, not the CPU, and a thread pool dies with its
    worker (a killed worker's jobs are delivered again to another one)."""
    settings, celery = _prepare()
    store_engine().dispose()  # migrate once before the pool starts
    import matchday.workers.tasks  # noqa: F401 - registers the tasks

    args = list(ctx.args)
    if not any(a.startswith(("--pool", "-P")) for a in args):
        args += ["--pool", "threads"]
    if not any(a.startswith(("--loglevel", "-l")) for a in args):
        args += ["--loglevel", settings.log_level]
    celery.worker_main(["worker", "--queues", "matchday", *args])


@app.command(context_settings=PASS_THROUGH)
def beat(ctx: typer.Context) -> None:
    """Run Celery beat: one per deployment; it schedules every enabled job of the job files, and maintenance."""
    from celery.signals import beat_init

    from matchday.ingest.collector import discover_providers
    from matchday.ingest.job_config import load_registry
    from matchday.store import job_registry
    from matchday.workers.app import beat_schedule

    settings, celery = _prepare()
    try:
        registry = load_registry(settings.jobs_dir, discover_providers())
    except MatchdayError as exc:
        fail(exc)
    # beat is the one process that publishes the job files' definitions to the store (workers take leases on them)
    engine = store_engine()
    job_registry.sync(engine, [(job.model_dump(mode="json"), registry.sources[job.job_id])
                               for job in registry.jobs.values()])
    engine.dispose()
    celery.conf.beat_schedule = beat_schedule(registry, settings)

    @beat_init.connect
    def _offer_every_job_once(**_kwargs: object) -> None:
        # beat's first tick of an entry comes one interval after start: offer every job now (the task skips a
        # bootstrap already done or a job that ran within its interval)
        for job in registry.enabled():
            celery.send_task("matchday.run_job", (job.job_id,), {"trigger": "startup"})

    args = list(ctx.args)
    if not any(a.startswith(("--schedule", "-s")) for a in args):
        schedule_file = Path("var") / "celerybeat-schedule"
        schedule_file.parent.mkdir(parents=True, exist_ok=True)
        args += ["--schedule", str(schedule_file)]
    if not any(a.startswith(("--loglevel", "-l")) for a in args):
        args += ["--loglevel", settings.log_level]
    celery.start(["beat", *args])
