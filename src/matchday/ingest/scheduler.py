"""The one in-process scheduler (inside ``matchday serve``, ``demo``, ``replay`` and ``matchday collect``): the
collector's jobs, the live runners of sources that are not jobs (the demo, a replay), and periodic work (the
maintenance job, the prediction-league sweep, prediction reminders). Celery beat reads the same job files for the
scaled-out stack.

Every tick it finds the enabled jobs that are due (by interval or cron; a bootstrap or backfill once, until it
succeeds; a failed or skipped job at its retry time), orders them dependencies first and then by priority, and runs
each through the one runner (``Collector.run_job``) in a worker thread, a few at a time. A job in flight is not
started again (and the runner's lease guards against other processes). What a run commits reaches the
subscribers through the change stream (``ingest.apply`` wakes the process's publisher); the scheduler publishes
nothing itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from matchday.fetch.quota import Priority
from matchday.ingest.job_config import JobType
from matchday.ingest.live_runner import LiveRunner
from matchday.store import job_registry
from matchday.threads import run_to_end

if TYPE_CHECKING:  # the collector (httpx, polars, the load pipeline) is imported only where one is built
    from matchday.ingest.collector import Collector, RunOutcome

log = structlog.get_logger(__name__)
PRIORITY_ORDER = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


Periodic = tuple[float, Callable[[], Awaitable[object]]]  # every so many seconds, this coroutine


class Scheduler:
    def __init__(self, collector: Collector | None = None, tick_s: float | None = None, concurrency: int = 4,
                 live_runners: Sequence[LiveRunner] = (), periodic: Sequence[Periodic] = ()) -> None:
        self.collector = collector
        self.live_runners, self.periodic = list(live_runners), list(periodic)
        self.tick_s = tick_s if tick_s is not None else collector.settings.scheduler_tick_s if collector else 1.0
        self.next_due: dict[str, datetime] = {}
        self.in_flight: set[str] = set()
        self.outcomes: list[RunOutcome] = []
        self._limit = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task] = set()

    def due(self, now: datetime) -> list[str]:
        if self.collector is None:
            return []
        registry = self.collector.registry
        states = job_registry.states(self.collector.engine)
        due = []
        for job in registry.enabled():
            state = states.get(job.job_id, {})
            if job.job_id in self.in_flight:
                continue
            retry_at = state.get("retry_at")
            if retry_at is not None and retry_at <= now:
                due.append(job.job_id)
                continue
            if retry_at is not None:
                continue  # waiting for its retry time
            if job.job_id not in self.next_due:
                last = state.get("last_success_at")
                if job.type in (JobType.STATIC_BOOTSTRAP, JobType.BACKFILL) and job.interval is None:
                    self.next_due[job.job_id] = now if last is None else datetime.max
                elif last is None or job.type is JobType.LIVE_LOOP or job.interval is None:
                    self.next_due[job.job_id] = now
                else:
                    self.next_due[job.job_id] = job.interval.next_after(last)
            if self.next_due[job.job_id] <= now:
                due.append(job.job_id)
        rank = {job_id: i for i, job_id in enumerate(registry.order(due))}
        # the most urgent first, dependencies before dependents within a priority (the runner itself runs a
        # dependency that never succeeded before its dependent)
        return sorted(due, key=lambda j: (PRIORITY_ORDER[registry.jobs[j].priority], rank[j]))

    async def _run(self, job_id: str) -> None:
        assert self.collector is not None
        job = self.collector.registry.jobs[job_id]
        try:
            async with self._limit:
                outcome = await run_to_end(self.collector.run_job, job_id, "schedule")
            self.outcomes.append(outcome)
            if outcome.status not in ("idle",):
                log.info("job run", job_id=job_id, status=outcome.status, items=outcome.items,
                         requests=outcome.requests, error=outcome.error)
        except Exception as exc:  # noqa: BLE001 - a job's crash never stops the scheduler; the run is recorded
            log.error("job crashed", job_id=job_id, error=repr(exc))
        finally:
            now = _now()
            if job.interval is not None:
                self.next_due[job_id] = job.interval.next_after(now)
            elif job.type in (JobType.STATIC_BOOTSTRAP, JobType.BACKFILL):
                self.next_due[job_id] = datetime.max
            self.in_flight.discard(job_id)

    async def tick(self) -> int:
        due = await run_to_end(self.due, _now())
        for job_id in due:
            self.in_flight.add(job_id)
            task = asyncio.create_task(self._run(job_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(due)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _every(self, seconds: float, work: Callable[[], Awaitable[object]]) -> None:
        while True:
            try:
                await work()
            except Exception as exc:  # noqa: BLE001 - periodic work never stops the scheduler; it runs again
                log.warning("periodic work failed", work=getattr(work, "__qualname__", repr(work)), error=repr(exc))
            await asyncio.sleep(seconds)

    async def run(self, stop: asyncio.Event | None = None, duration_s: float | None = None) -> None:
        if self.collector is not None:  # the account's plan before the first job's request (a failure is logged)
            await run_to_end(self.collector.read_plans)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + duration_s if duration_s is not None else None
        loops = [loop.create_task(runner.run()) for runner in self.live_runners]
        loops += [loop.create_task(self._every(seconds, work)) for seconds, work in self.periodic]
        try:
            while True:
                await self.tick()
                if stop is not None and stop.is_set():
                    break
                if deadline is not None and loop.time() >= deadline:
                    break
                wait = self.tick_s if deadline is None else max(0.0, min(self.tick_s, deadline - loop.time()))
                if stop is not None:
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), wait)
                else:
                    await asyncio.sleep(wait)
        finally:
            for task in loops:
                task.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await self.drain()
