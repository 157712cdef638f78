"""The account's plan (API-Football ``/status``) is read where jobs start: the scheduler inside `matchday serve`
and `matchday collect`, and each Celery worker, before their first request; a plan configured above the account's
is reported there, and the account's remaining requests are what the quota counts down."""

from __future__ import annotations

from structlog.testing import capture_logs

from matchday.ingest.scheduler import Scheduler
from tests.collector.conftest import APIF
from tests.collector.fake_provider import Reply
from tests.conftest import run_async

JOB = {"job_id": "bl-daily", "provider": "api-football", "type": "incremental_daily", "priority": "HIGH",
       "endpoint": "/fixtures", "params": {"league": 78, "season": 2023},
       "interval": {"type": "interval", "seconds": 3600}}
TOO_BIG = {"api-football": {"daily_limit": 7500, "minute_limit": 100}}  # the account below has 100 a day


def _plan_warnings(logs: list[dict]) -> list[dict]:
    return [e for e in logs if e["event"].startswith("configured plan exceeds the account's")]


def test_the_embedded_scheduler_reads_the_plan_before_its_first_job(make_collector, fake) -> None:  # noqa: ANN001
    fake.daily_limit = 100
    fake.script("/fixtures", Reply.file(APIF / "fixtures_league-78_season-2023_status-NS-PST.json"))
    collector = make_collector([JOB], TOO_BIG)
    with capture_logs() as logs:
        run_async(Scheduler(collector, tick_s=0.05).run(duration_s=0.5))
    paths = [r.path for r in fake.received]
    assert paths[0] == "/status" and "/fixtures" in paths
    [warning] = _plan_warnings(logs)
    assert (warning["configured_daily_limit"], warning["account_daily_limit"]) == (7500, 100)
    assert collector.client.quota.status("api-football").as_dict()["daily_remaining"] < 100  # the account's day


def test_a_celery_worker_reads_the_plan_when_it_builds_its_collector(make_collector, fake,  # noqa: ANN001
                                                                      monkeypatch) -> None:  # noqa: ANN001
    from matchday.ingest.collector import Collector
    from matchday.workers import tasks

    fake.daily_limit = 100
    collector = make_collector([JOB], TOO_BIG)
    monkeypatch.setattr(Collector, "create", classmethod(lambda cls, **_kw: collector))
    tasks.worker_collector.cache_clear()
    try:
        with capture_logs() as logs:
            assert tasks.worker_collector() is collector
    finally:
        tasks.worker_collector.cache_clear()
    assert [r.path for r in fake.received] == ["/status"]
    assert len(_plan_warnings(logs)) == 1


def test_a_key_the_provider_refuses_is_reported_and_nothing_else_fails(make_collector, fake) -> None:  # noqa: ANN001
    fake.script("/status", Reply.file(APIF / "errors" / "rate-limit_errors-field_pretty.json"))
    collector = make_collector([JOB], {"api-football": {}})
    with capture_logs() as logs:
        assert collector.read_plans() == {"api-football": None}
    [failed] = [e for e in logs if e["event"] == "provider plan not read"]
    assert failed["provider"] == "api-football" and "rate limit" in failed["error"].lower()
