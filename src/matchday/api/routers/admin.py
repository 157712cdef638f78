"""/api/v1/admin: the collector's crawl jobs, their logs, coverage and quota. Every route requires an admin."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request
from pydantic import BaseModel, Field, model_validator

from matchday.api.admin_auth import Admin
from matchday.api.schemas import ErrorBody
from matchday.errors import NotFound
from matchday.ingest.job_config import JobType

router = APIRouter(prefix="/admin", tags=["admin"],
                   responses={401: {"model": ErrorBody, "description": "No valid admin credential."},
                              403: {"model": ErrorBody, "description": "Not an admin."}})


class TriggerRequest(BaseModel):
    job_id: str | None = Field(None, max_length=120, description="Run this job.")
    job_type: JobType | None = Field(None, description="Or every enabled job of this type ...")
    source: str | None = Field(None, max_length=40, description="... of this provider ...")
    league_id: str | None = Field(None, max_length=64, description="... for this league (the provider's key).")

    @model_validator(mode="after")
    def _one_target(self) -> TriggerRequest:
        if not self.job_id and not self.job_type:
            raise ValueError("give job_id or job_type")
        return self


class TriggerAccepted(BaseModel):
    job_id: str = Field(description="The (first) job queued.")
    job_ids: list[str]
    status: str = "queued"


class JobRun(BaseModel):
    id: int
    job: str
    job_type: str | None
    provider: str | None
    priority: str | None
    trigger: str | None
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    items: int
    requests: int
    error: str | None


class CrawlStatus(BaseModel):
    runs: list[JobRun]
    jobs: list[dict[str, Any]]


class LogLine(BaseModel):
    at: str
    level: str
    message: str


class JobLogs(BaseModel):
    job_id: str
    runs: list[JobRun]
    lines: list[LogLine]


def _collector(request: Request) -> Any:
    from matchday.ingest.collector import Collector

    collector = getattr(request.app.state, "collector", None)
    if collector is None:
        collector = request.app.state.collector = Collector.create(request.app.state.settings,
                                                                   request.app.state.engine)
    return collector


@router.post("/crawl/trigger", status_code=202, response_model=TriggerAccepted)
def trigger(body: TriggerRequest, request: Request, background: BackgroundTasks, admin: Admin) -> TriggerAccepted:
    """Queue a job (or every enabled job of a type, provider and league) to run now."""
    collector = _collector(request)
    if body.job_id:
        collector.job(body.job_id)  # 404 when unknown
        chosen = [body.job_id]
    else:
        chosen = [j.job_id for j in collector.registry.enabled() if j.type == body.job_type
                  and (body.source is None or j.provider == body.source)
                  and (body.league_id is None or body.league_id in (j.league, str(j.params.get("league", ""))))]
        if not chosen:
            raise NotFound(f"no enabled {body.job_type} job" + (f" of {body.source}" if body.source else "")
                           + (f" for league {body.league_id}" if body.league_id else ""))
    for job_id in chosen:
        background.add_task(collector.run_job, job_id, "api")  # a worker thread, after the 202
    return TriggerAccepted(job_id=chosen[0], job_ids=chosen)


@router.get("/crawl/status", response_model=CrawlStatus)
def crawl_status(request: Request, admin: Admin,
                 job_type: Annotated[JobType | None, Query(description="Only runs of this job type.")] = None,
                 status: Annotated[str | None, Query(max_length=16, description="ok, failed, skipped ...")] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> CrawlStatus:
    """Recent job runs (filtered), and every job's state: last outcome, failures, skips, retry time."""
    from matchday.store import job_registry, jobs

    engine = request.app.state.engine
    runs = jobs.recent(engine, limit, job_type=str(job_type) if job_type else None, status=status)
    states = [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in s.items()
               if k not in ("definition", "lease_owner")} for s in job_registry.states(engine).values()]
    return CrawlStatus(runs=[JobRun(**r) for r in runs], jobs=states)


@router.get("/crawl/logs", response_model=JobLogs)
def crawl_logs(request: Request, admin: Admin,
               job_id: Annotated[str, Query(max_length=120, description="The job's id.")],
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> JobLogs:
    """A job's recent runs and their log lines, newest first."""
    from matchday.store import jobs

    runs = jobs.recent(request.app.state.engine, limit, job=job_id)
    if not runs:
        raise NotFound(f"no runs of job {job_id!r}")
    lines = [LogLine(**line) for r in runs for line in (r.get("log") or [])]
    return JobLogs(job_id=job_id, runs=[JobRun(**r) for r in runs], lines=lines)


@router.get("/coverage")
def admin_coverage(request: Request, admin: Admin,
                   league: Annotated[str | None, Query(max_length=64)] = None,
                   season: Annotated[str | None, Query(max_length=16)] = None) -> dict[str, Any]:
    """Coverage per competition, season and endpoint: count vs target, lag, completeness, status."""
    from matchday.ingest import coverage

    collector = _collector(request)
    targets = {j.job_id: j.coverage_target for j in collector.registry.jobs.values() if j.coverage_target}
    return {"coverage": coverage.report(request.app.state.engine, targets, league, season)}


@router.get("/quota")
def admin_quota(request: Request, admin: Admin) -> dict[str, Any]:
    """Per provider: requests left today and this minute, limits, reset times, floors, breaker states."""
    return {"providers": _collector(request).quota_report()}
