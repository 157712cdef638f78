"""The one job runner: ``run_job(job_id)`` executes a job defined once in the job files.

Called by the embedded scheduler (``matchday serve``, ``matchday collect``), by ``matchday jobs run`` and the admin
API, and (a plain synchronous function, no asyncio or Celery assumed) by a Celery task. A run:
dependencies that never succeeded run first; the job's lease is taken (never twice at once, across processes);
the request goes through the one client (quota, priority, breaker, retries, archive); the response is parsed and
stored in one transaction; coverage is recomputed; the run is recorded (items, requests, duration, status, error,
log). A quota-skipped or failed run sets the job's retry time: the scheduler runs it again then.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import httpx
import structlog
from sqlalchemy import Engine

from matchday.cache import write_position
from matchday.domain.records import ParseResult
from matchday.errors import CircuitOpen, ConfigError, NotFound, PrioritySkipped, QuotaExhausted
from matchday.fetch.breaker import Breakers
from matchday.fetch.providers import FetchResult, ProviderClient
from matchday.fetch.quota import Priority, QuotaGuard
from matchday.ingest import coverage
from matchday.ingest.config_files import with_api_file
from matchday.ingest.job_config import JobDefinition, JobRegistry, JobType, TargetLayer, load_registry
from matchday.ingest.live_jobs import make_live_source, new_runner
from matchday.ingest.live_runner import LiveRunner
from matchday.ingest.responses import store_response
from matchday.settings import Settings, get_settings
from matchday.sources.base import available_sources
from matchday.sources.provider import Provider, QuotaReading
from matchday.store import job_registry, jobs, raw_archive
from matchday.store.engine import make_engine

log = structlog.get_logger(__name__)


def discover_providers() -> dict[str, Provider]:
    """Installed source plugins (the entry points) that declare an API provider: ``source.provider`` (a
    ``ProviderSource`` wraps its provider for `matchday load` and the collector alike)."""
    return {name: source.provider for name, source in available_sources().items()
            if getattr(source, "provider", None) is not None}


@dataclass
class RunOutcome:
    job_id: str
    status: str  # ok | failed | skipped | busy | idle (a live loop with nothing due)
    run_id: int | None = None
    items: int = 0
    requests: int = 0
    error: str | None = None
    events: int = 0


@dataclass
class Collector:
    """Everything a job run needs, built once per process."""

    settings: Settings
    engine: Engine
    registry: JobRegistry
    client: ProviderClient
    live_clock: Callable[[], datetime] | None = None  # the live sources' clock (tests replay captured days)
    live_runners: dict[str, LiveRunner] = field(default_factory=dict)
    _fetched: dict[str, list[FetchResult]] = field(default_factory=dict)  # each live job's fetches of its poll
    _live_params: dict[str, dict[str, str]] = field(default_factory=dict)  # the params its source was made with
    _per_poll: dict[str, float] = field(default_factory=dict)  # each live job's requests per poll (a moving mean)
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @classmethod
    def create(cls, settings: Settings | None = None, engine: Engine | None = None,
               providers: Mapping[str, Provider] | None = None, transport: httpx.BaseTransport | None = None,
               sleep: Callable[[float], None] | None = None, live_clock: Callable[[], datetime] | None = None,
               sync_definitions: bool = True) -> Collector:
        settings = with_api_file(settings or get_settings())
        engine = engine or make_engine(settings.database_url)
        write_position.attach(engine, settings.redis_url)
        providers = dict(providers) if providers is not None else discover_providers()
        registry = load_registry(settings.jobs_dir, providers)
        quota = QuotaGuard(registry.plans(), settings.redis_url)
        day_start = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
        for name, provider in providers.items():
            free = _free(provider)
            quota.seed(name, raw_archive.requests_since(engine, name, day_start, free),
                       raw_archive.requests_since(engine, name, datetime.now(UTC).replace(tzinfo=None)
                                                  - timedelta(minutes=1), free))
        breakers = Breakers(settings.breaker_fail_max, settings.breaker_reset_s, settings.redis_url)
        client = ProviderClient(settings, raw_archive.StoreArchive(engine), providers, quota, breakers, transport,
                                **({"sleep": sleep} if sleep is not None else {}))
        collector = cls(settings, engine, registry, client, live_clock)
        if sync_definitions:
            job_registry.sync(engine, [(j.model_dump(mode="json"), registry.sources[j.job_id])
                                       for j in registry.jobs.values()])
        return collector

    def close(self) -> None:
        self.client.close()

    def quota_report(self) -> list[dict[str, Any]]:
        """Per provider: the quota windows as this process knows them, priority floors, breaker states."""
        result = []
        for name in sorted(set(self.client.providers) | set(self.registry.providers)):
            status = self.client.quota.status(name).as_dict()
            status["breakers"] = self.client.breakers.states(name)
            status["shared"] = self.client.quota.shared
            # the pace: requests of the last hour, and how long the day's remainder lasts at it
            now = datetime.now(UTC).replace(tzinfo=None)
            last_hour = raw_archive.requests_since(self.engine, name, now - timedelta(hours=1), _free(
                self.client.providers.get(name)))
            remaining = status["daily_remaining"]
            status["requests_last_hour"] = last_hour
            status["lasts_hours"] = (None if remaining is None or not last_hour
                                     else round(remaining / last_hour, 1))
            result.append(status)
        return result

    def read_plans(self) -> dict[str, QuotaReading | None]:
        """The account's own plan of every provider an enabled job uses, read before the first request (API-Football
        ``/status``): where jobs start (``matchday collect``, the scheduler inside ``matchday serve``, each Celery
        worker), so a plan configured wrong, or a key the provider refuses, is reported there."""
        return {name: self.client.read_plan(name)
                for name in sorted({job.provider for job in self.registry.enabled()}) if name in self.client.providers}

    def job(self, job_id: str) -> JobDefinition:
        if job_id not in self.registry.jobs:
            raise NotFound(f"no job {job_id!r} in {self.settings.jobs_dir}; `matchday jobs list` shows them")
        return self.registry.jobs[job_id]

    # ---- one run ----------------------------------------------------------------------------------------
    def run_job(self, job_id: str, trigger: str = "manual", _chain: tuple[str, ...] = ()) -> RunOutcome:
        job = self.job(job_id)
        if not self.registry.provider_enabled(job.provider):
            raise ConfigError(f"{job.provider} is a scraped source and off: enable it in "
                              f"{self.settings.jobs_dir / 'providers.yaml'} (`enabled: true`), at your own "
                              f"responsibility (README: What each provider gives)")
        for dep in job.dependencies:
            state = job_registry.state(self.engine, dep) or {}
            if state.get("last_success_at") is None:
                outcome = self.run_job(dep, "dependency", (*_chain, job_id))
                if outcome.status not in ("ok", "busy"):
                    return self._record_blocked(job, trigger, f"dependency {dep} {outcome.status}: {outcome.error}")
        owner = f"{self.owner}:{threading.get_ident()}"
        if not job_registry.acquire(self.engine, job_id, owner, self.settings.job_lease_s):
            return RunOutcome(job_id, "busy", error="already running")
        try:
            if job.type is JobType.LIVE_LOOP:
                return self._run_live(job, trigger, owner)
            return self._run_fetch(job, trigger, owner)
        except BaseException:
            job_registry.release(self.engine, job_id, owner, None, "failed", self.settings.job_retry_s)
            raise

    def live_pace_s(self, job: JobDefinition) -> float:
        """Seconds between polls of a live loop that the provider's plan allows (``QuotaStatus.pace_s``), at the
        requests its recent polls cost; never shorter than the job's own interval."""
        status = self.client.quota.status(job.provider)
        pace = status.pace_s(self._per_poll.get(job.job_id, 1.0), datetime.now(UTC))
        return max(pace, getattr(job.interval, "seconds", 0.0) or 0.0)

    def live_wait_s(self, job: JobDefinition) -> float:
        """How long a live loop must still wait for its pace (0: poll now); its last poll (its last recorded run:
        an idle turn records none) is in the store, so the pace holds across processes (Celery workers)."""
        last_run = (job_registry.state(self.engine, job.job_id) or {}).get("last_run_id")
        started = (jobs.get(self.engine, last_run) or {}).get("started_at") if last_run else None
        if started is None:
            return 0.0
        elapsed = (datetime.now(UTC).replace(tzinfo=None) - started).total_seconds()
        pace = self.live_pace_s(job)
        # the job's own interval is the scheduler's business; only the plan's stretch beyond it is waited here
        return max(0.0, pace - elapsed) if pace > (getattr(job.interval, "seconds", 0.0) or 0.0) else 0.0

    def _start(self, job: JobDefinition, trigger: str) -> tuple[int, datetime]:
        return jobs.start(self.engine, job.job_id, job_type=str(job.type), provider=job.provider,
                          priority=str(job.priority), trigger=trigger)

    def _record_blocked(self, job: JobDefinition, trigger: str, error: str) -> RunOutcome:
        run_id, started = self._start(job, trigger)
        jobs.finish(self.engine, run_id, started, "failed", 0, error, log=[_line("error", error)])
        job_registry.defer(self.engine, job.job_id, self.settings.job_retry_s)  # tried again with its dependency
        return RunOutcome(job.job_id, "failed", run_id, error=error)

    def _retry_delay(self, job_id: str, exc: BaseException) -> float:
        if isinstance(exc, QuotaExhausted | PrioritySkipped):
            wait = getattr(exc, "retry_after_s", None)
            return max(wait or 0.0, self.settings.job_retry_s) if isinstance(exc, PrioritySkipped) else \
                (wait if wait is not None else self.settings.job_retry_s)
        if isinstance(exc, CircuitOpen):
            return self.settings.breaker_reset_s
        failures = (job_registry.state(self.engine, job_id) or {}).get("failures", 0)
        return min(self.settings.job_retry_s * 2 ** failures, 3600.0)

    def _run_fetch(self, job: JobDefinition, trigger: str, owner: str) -> RunOutcome:
        run_id, started = self._start(job, trigger)
        lines: list[dict[str, Any]] = []
        params = job.resolved_params()
        provider = self.client.provider(job.provider)
        returns = provider.info.endpoints[job.endpoint].returns
        parsed = None
        requests = items = 0
        pages = range(1, job.pages.max + 1) if job.pages else [None]
        try:
            for page in pages:
                page_params = params if page is None else {**params, job.pages.param: str(page)}
                result: FetchResult = self.client.request(job.provider, job.endpoint, page_params, job.priority,
                                                          run_id)
                requests += result.attempts
                lines.append(_line("info", f"fetched {job.endpoint} {page_params}: HTTP {result.status}, "
                                           f"{len(result.body)} bytes, response {result.response_id}"))
                if job.target_layer is TargetLayer.RAW:  # archived only: `matchday reparse` loads it later
                    page_records = len(coverage.records_of(provider.parse(job.endpoint, page_params,
                                                                          result.body))) if page else 1
                    lines.append(_line("info", "target_layer raw: archived, not stored"))
                    if page is not None and page_records == 0:
                        break
                    continue
                stored = store_response(self.engine, provider, result.response_id, job.endpoint, page_params,
                                        result.body)
                if stored.status != "ok":
                    raise _StoreFailed(stored.error or "not stored")
                s = stored.summary
                page_records = len(coverage.records_of(stored.parsed))
                parsed = stored.parsed if parsed is None else _merged(parsed, stored.parsed)
                items += (s.new + s.changed + s.unchanged) if stored.parsed.matches else page_records
                lines.append(_line("info", f"stored: {s.new} new, {s.changed} changed, {s.unchanged} unchanged, "
                                           f"{s.quarantined} quarantined"))
                if page is not None and page_records == 0:
                    break  # past the last page
            status, error, retry = "ok", None, None
        except Exception as exc:  # noqa: BLE001 - whatever failed, the run is recorded and retried later
            skipped = isinstance(exc, PrioritySkipped | QuotaExhausted)
            status, error, items = ("skipped" if skipped else "failed"), str(exc), 0
            retry = self._retry_delay(job.job_id, exc)
            lines.append(_line("warning" if skipped else "error", f"{status}: {exc}; retry in {retry:.0f} s"))
            log.warning("job " + status, job_id=job.job_id, error=str(exc), retry_in_s=retry)
        jobs.finish(self.engine, run_id, started, status, items, error, requests=requests, log=lines)
        job_registry.release(self.engine, job.job_id, owner, run_id, status, retry)
        state = job_registry.state(self.engine, job.job_id) or {}
        if job.target_layer is TargetLayer.RAW_CORE_MART:
            coverage.recompute(self.engine, job, parsed, returns, state.get("last_success_at"))
        return RunOutcome(job.job_id, status, run_id, items, requests, error)

    def _archive_live(self, job: JobDefinition, trigger: str, owner: str) -> RunOutcome:
        """A live loop with ``target_layer: raw``: each turn (at the plan's pace) sends the job's own request and
        archives the answer, unparsed and pending: nothing is stored or fed until `matchday reparse` loads it."""
        if (wait := self.live_wait_s(job)) > 0:
            job_registry.release(self.engine, job.job_id, owner, None, "ok", None)
            return RunOutcome(job.job_id, "idle", error=f"pacing the daily budget: next poll in {wait:.0f} s")
        run_id, started = self._start(job, trigger)
        try:
            result = self.client.request(job.provider, job.endpoint, job.resolved_params(), job.priority, run_id)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the run is recorded and retried later
            status = "skipped" if isinstance(exc, PrioritySkipped | QuotaExhausted) else "failed"
            retry = min(self._retry_delay(job.job_id, exc), self.settings.job_retry_s)
            jobs.finish(self.engine, run_id, started, status, 0, str(exc), log=[_line("error", f"{status}: {exc}")])
            job_registry.release(self.engine, job.job_id, owner, run_id, status, retry)
            return RunOutcome(job.job_id, status, run_id, error=str(exc))
        jobs.finish(self.engine, run_id, started, "ok", 1, requests=result.attempts, log=[
            _line("info", f"fetched {job.endpoint}: HTTP {result.status}, {len(result.body)} bytes, response "
                          f"{result.response_id}"), _line("info", "target_layer raw: archived, not stored")])
        job_registry.release(self.engine, job.job_id, owner, run_id, "ok", None)
        self._per_poll[job.job_id] = float(result.attempts)
        return RunOutcome(job.job_id, "ok", run_id, 1, result.attempts)

    def _run_live(self, job: JobDefinition, trigger: str, owner: str) -> RunOutcome:
        if job.target_layer is TargetLayer.RAW:
            return self._archive_live(job, trigger, owner)
        runner = self.live_runners.get(job.job_id)
        params = job.resolved_params()
        if runner is not None and self._live_params.get(job.job_id) != params:  # {{ today }} moved on
            old, runner = runner, None
        else:
            old = None
        if runner is None:
            provider = self.client.provider(job.provider)
            fetched: list[FetchResult] = []
            fetch = self.client.fetcher(job.provider, job.priority, on_fetch=fetched.append)
            details = self.client.fetcher(job.provider, Priority.LOW, on_fetch=fetched.append)
            source = make_live_source(provider, job.endpoint, params, fetch,
                                      getattr(job.interval, "seconds", 15.0), self.live_clock,
                                      allow_scraping=self.registry.provider_enabled(job.provider),
                                      tracked_leagues=job.filters.tracked_leagues, detail_fetch=details)
            runner = self.live_runners[job.job_id] = new_runner(self.engine, source, job.discovery_seconds,
                                                                job.live_interval_seconds)
            self._fetched[job.job_id] = fetched
            self._live_params[job.job_id] = params
            if old is not None:  # keep what the old source was watching
                runner.watched.update(old.watched)
        fetched = self._fetched[job.job_id]
        fetched.clear()
        if (wait := self.live_wait_s(job)) > 0:  # the plan's pace: no request now, the budget must last the day
            job_registry.release(self.engine, job.job_id, owner, None, "ok", None)
            return RunOutcome(job.job_id, "idle", error=f"pacing the daily budget: next poll in {wait:.0f} s")
        now = runner.source.now()
        keys = runner.due(now)
        if keys == []:  # nothing due by the polling policy: no request, no run recorded
            job_registry.release(self.engine, job.job_id, owner, None, "ok", None)
            return RunOutcome(job.job_id, "idle")
        run_id, started = self._start(job, trigger)
        try:
            snapshots, events = runner.poll_step(now, keys)
            polled = len(snapshots)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the run is recorded and retried later
            retry = self._retry_delay(job.job_id, exc)
            status = "skipped" if isinstance(exc, PrioritySkipped | QuotaExhausted) else "failed"
            if status == "failed":  # live scores cannot wait for a doubling backoff: at most the base delay
                retry = min(retry, self.settings.job_retry_s)
            jobs.finish(self.engine, run_id, started, status, 0, str(exc), requests=len(fetched),
                        log=[_line("error", f"{status}: {exc}")])
            for result in fetched:
                raw_archive.mark(self.engine, result.response_id, "failed", str(exc))
            job_registry.release(self.engine, job.job_id, owner, run_id, status, retry)
            return RunOutcome(job.job_id, status, run_id, requests=len(fetched), error=str(exc))
        for result in fetched:
            raw_archive.mark(self.engine, result.response_id, "ok")
        if fetched:
            previous = self._per_poll.get(job.job_id, float(len(fetched)))
            self._per_poll[job.job_id] = 0.7 * previous + 0.3 * len(fetched)
        what = "discovery" if keys is None else f"{len(keys)} due"
        jobs.finish(self.engine, run_id, started, "ok", polled, requests=len(fetched),
                    log=[_line("info", f"{what}: {polled} matches polled, {events} feed events")])
        job_registry.release(self.engine, job.job_id, owner, run_id, "ok", None)
        if job.target_layer is TargetLayer.RAW_CORE_MART and job.coverage_target is not None:  # raw+core: no mart
            state = job_registry.state(self.engine, job.job_id) or {}
            coverage.recompute(self.engine, job, ParseResult(matches=snapshots), "matches",
                               state.get("last_success_at"))
        return RunOutcome(job.job_id, "ok", run_id, polled, len(fetched), events=events)


def _free(provider: Provider | None) -> tuple[str, ...]:
    """The provider's endpoints its quota does not count (API-Football's /status)."""
    return tuple(e.name for e in provider.info.endpoints.values() if e.cost == 0) if provider else ()


def _merged(first: ParseResult, more: ParseResult) -> ParseResult:
    """The records of several pages of one job, for its coverage."""
    merged = ParseResult()
    for f in fields(ParseResult):
        a, b = getattr(first, f.name), getattr(more, f.name)
        if isinstance(a, dict):  # counts by kind (``not_matches``)
            setattr(merged, f.name, {k: a.get(k, 0) + b.get(k, 0) for k in a.keys() | b.keys()})
        else:
            setattr(merged, f.name, a + b)
    return merged


class _StoreFailed(Exception):
    pass


def _line(level: str, message: str) -> dict[str, Any]:
    return {"at": datetime.now(UTC).isoformat(timespec="seconds"), "level": level, "message": message}


@lru_cache(maxsize=1)
def default_collector() -> Collector:
    return Collector.create()


def run_job(job_id: str, *, collector: Collector | None = None, trigger: str = "manual") -> RunOutcome:
    """Run one job now (honouring quota, priority and breaker). The entry point for Celery tasks too."""
    return (collector or default_collector()).run_job(job_id, trigger)
