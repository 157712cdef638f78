"""The one job runner and the embedded scheduler against the fake provider: a league's fixtures and standings
collected within quota, dependencies first, never twice at once, failures and skips retried later, coverage,
and the store rebuilt from the raw archive."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import delete, func, select

from matchday.ingest import coverage
from matchday.ingest.responses import reparse
from matchday.ingest.scheduler import Scheduler
from matchday.store import job_registry, jobs, raw_archive
from matchday.store.schema import matches, published_standings
from tests.collector.conftest import APIF
from tests.collector.fake_provider import MALFORMED, Reply, server_error

FIXTURES = APIF / "fixtures_league-78_season-2023_status-NS-PST.json"
STANDINGS = APIF / "standings_league-39_season-2022.json"
LEAGUES = APIF / "leagues_code-DE_current-true.json"

LEAGUE_JOB = {"job_id": "de-leagues", "provider": "api-football", "type": "static_bootstrap", "priority": "LOW",
              "endpoint": "leagues", "params": {"code": "DE", "current": "true"}}
FIXTURES_JOB = {"job_id": "bl-fixtures", "provider": "api-football", "type": "incremental_daily",
                "priority": "MEDIUM", "endpoint": "fixtures", "params": {"league": 78, "season": 2023},
                "interval": {"type": "interval", "seconds": 3600}, "dependencies": ["de-leagues"],
                "coverage_target": {"min_count": 306, "max_lag_minutes": 60,
                                    "required_fields": ["kickoff_utc", "venue", "referee"]}}
STANDINGS_JOB = {"job_id": "pl-standings", "provider": "api-football", "type": "incremental_daily",
                 "priority": "HIGH", "endpoint": "standings", "params": {"league": 39, "season": 2022},
                 "interval": {"type": "cron", "cron": "0 * * * *"}, "coverage_target": {"min_count": 20}}


def _count(engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_job_runs_its_dependencies_first_stores_records_and_computes_coverage(make_collector, fake) -> None:
    collector = make_collector([LEAGUE_JOB, FIXTURES_JOB, STANDINGS_JOB])
    fake.script("/leagues", Reply.file(LEAGUES))
    fake.script("/fixtures", Reply.file(FIXTURES))
    outcome = collector.run_job("bl-fixtures")
    assert outcome.status == "ok" and outcome.items == 71 and outcome.requests == 1
    assert [r.path for r in fake.received] == ["/leagues", "/fixtures"]
    assert fake.received[1].query == {"league": "78", "season": "2023"}
    assert _count(collector.engine, matches) == 71
    runs = jobs.recent(collector.engine, job="bl-fixtures")
    assert runs[0]["status"] == "ok" and runs[0]["items"] == 71 and runs[0]["job_type"] == "incremental_daily"
    assert any("71 new" in line["message"] for line in runs[0]["log"])
    assert jobs.recent(collector.engine, job="de-leagues")[0]["trigger"] == "dependency"
    # coverage: 71 of 306 fixtures held (critical), fresh; the capture has no referee (all NS: unassigned)
    row = next(r for r in coverage.report(collector.engine, {}) if r["job_id"] == "bl-fixtures")
    assert (row["competition"], row["season"], row["count"], row["min_count"]) == ("ger.1", "2023-24", 71, 306)
    assert row["status"] == "critical" and row["lag_minutes"] < 5
    assert row["missing_fields"]["referee"] == 0.0 and "kickoff_utc" not in row["missing_fields"]
    # a second run: the dependency has succeeded, only the job itself calls the provider
    collector.run_job("bl-fixtures")
    assert [r.path for r in fake.received] == ["/leagues", "/fixtures", "/fixtures"]
    assert _count(collector.engine, matches) == 71  # idempotent


def test_standings_are_stored_as_published_standings(make_collector, fake) -> None:
    collector = make_collector([STANDINGS_JOB])
    fake.script("/standings", Reply.file(STANDINGS))
    outcome = collector.run_job("pl-standings")
    assert outcome.status == "ok" and outcome.items == 20
    assert _count(collector.engine, published_standings) == 20
    row = next(r for r in coverage.report(collector.engine, {}) if r["job_id"] == "pl-standings")
    assert (row["competition"], row["season"], row["count"], row["status"]) == ("eng.1", "2022-23", 20, "ok")


def test_a_failed_dependency_blocks_and_defers_its_dependent(make_collector, fake) -> None:
    collector = make_collector([LEAGUE_JOB, FIXTURES_JOB], http_retries=1)
    fake.script("/leagues", server_error(503))
    outcome = collector.run_job("bl-fixtures")
    assert outcome.status == "failed" and "dependency de-leagues failed" in outcome.error
    assert fake.requests_to("/fixtures") == 0
    assert job_registry.state(collector.engine, "bl-fixtures")["retry_at"] is not None


def test_a_job_never_runs_twice_at_once(make_collector, fake) -> None:
    collector = make_collector([STANDINGS_JOB])
    fake.script("/standings", Reply.file(STANDINGS))
    assert job_registry.acquire(collector.engine, "pl-standings", "another-process", 60)
    outcome = collector.run_job("pl-standings")
    assert outcome.status == "busy" and fake.received == []
    job_registry.release(collector.engine, "pl-standings", "another-process", None, "ok", None)
    assert collector.run_job("pl-standings").status == "ok"


def test_a_failed_job_is_retried_later_and_nothing_is_lost(make_collector, fake) -> None:
    collector = make_collector([STANDINGS_JOB], http_retries=2, job_retry_s=0.0)
    fake.script("/standings", server_error(502), server_error(502), Reply.file(STANDINGS))
    scheduler = Scheduler(collector, tick_s=0)

    async def two_ticks() -> None:
        for _ in range(2):
            await scheduler.tick()
            await scheduler.drain()

    asyncio.run(two_ticks())
    assert [o.status for o in scheduler.outcomes] == ["failed", "ok"]
    assert _count(collector.engine, published_standings) == 20
    statuses = [r["status"] for r in reversed(jobs.recent(collector.engine, job="pl-standings"))]
    assert statuses == ["failed", "ok"]
    assert [r.status for r in raw_archive.responses(collector.engine)] == [502, 502, 200]
    assert job_registry.state(collector.engine, "pl-standings")["failures"] == 0


def test_a_skipped_low_priority_job_is_retried_when_quota_returns(make_collector, fake) -> None:
    low = {**STANDINGS_JOB, "priority": "LOW"}
    collector = make_collector([low], providers={"api-football": {"daily_limit": 10, "thresholds": {"LOW": 9}}})
    fake.script("/standings", Reply.file(STANDINGS))
    collector.client.quota.acquire("api-football", "CRITICAL", cost=2)  # live scores spent two: 8 left < 9
    outcome = collector.run_job("pl-standings", "schedule")
    assert outcome.status == "skipped" and "LOW jobs keep the last 9" in outcome.error
    assert fake.received == []
    state = job_registry.state(collector.engine, "pl-standings")
    assert state["skipped"] == 1 and state["retry_at"] is not None
    collector.client.quota.storage.reset()  # a new day
    scheduler = Scheduler(collector, tick_s=0)

    async def tick() -> None:
        await scheduler.tick()
        await scheduler.drain()

    asyncio.run(tick())
    assert [o.status for o in scheduler.outcomes] == ["ok"]
    assert fake.requests_to("/standings") == 1


def test_reparse_rebuilds_the_store_from_the_archive_and_lists_what_failed(make_collector, fake) -> None:
    collector = make_collector([FIXTURES_JOB | {"dependencies": []}, STANDINGS_JOB])
    fake.script("/fixtures", MALFORMED, Reply.file(FIXTURES))
    fake.script("/standings", Reply.file(STANDINGS))
    assert collector.run_job("bl-fixtures").status == "failed"  # malformed: kept, listed, nothing written
    assert collector.run_job("bl-fixtures").status == "ok"
    assert collector.run_job("pl-standings").status == "ok"
    assert [r.parse_status for r in raw_archive.responses(collector.engine)] == ["failed", "ok", "ok"]
    with collector.engine.begin() as conn:
        conn.execute(delete(published_standings))
        conn.execute(delete(matches))
    requests_before = len(fake.received)
    report = reparse(collector.engine, collector.client.providers, provider="api-football")
    assert len(fake.received) == requests_before  # the provider is not called again
    assert report.responses == 3 and report.parsed == 2 and len(report.failed) == 1
    assert "JSON" in report.failed[0][1]
    assert _count(collector.engine, matches) == 71 and _count(collector.engine, published_standings) == 20
    assert json.loads(raw_archive.body_of(collector.engine, raw_archive.responses(collector.engine)[1]
                                          .content_hash))["results"] == 71


def test_runs_leases_and_the_archive_on_both_databases(engine, tmp_path, fake) -> None:  # noqa: ANN001
    """The same job twice on SQLite and PostgreSQL: identical bodies archived once, leases, runs, coverage."""
    from matchday.ingest.collector import Collector
    from matchday.store.schema import raw_bodies
    from tests.collector.conftest import Sleeps, collector_settings, write_jobs

    settings = collector_settings(tmp_path, fake, database_url=engine.url.render_as_string(hide_password=False))
    write_jobs(settings.jobs_dir, [STANDINGS_JOB])
    fake.script("/standings", Reply.file(STANDINGS))
    collector = Collector.create(settings, engine, sleep=Sleeps())
    try:
        assert [collector.run_job("pl-standings").status for _ in range(2)] == ["ok", "ok"]
        assert job_registry.acquire(engine, "pl-standings", "elsewhere", 60)
        assert collector.run_job("pl-standings").status == "busy"
    finally:
        collector.close()
    assert _count(engine, raw_bodies) == 1 and len(raw_archive.responses(engine)) == 2
    assert _count(engine, published_standings) == 20
    row = coverage.report(engine, {})[0]
    assert (row["competition"], row["count"], row["status"]) == ("eng.1", 20, "ok")
    assert reparse(engine, collector.client.providers).parsed == 1  # the second answer is the same body


def test_priorities_are_shed_in_order_against_the_provider(make_collector, fake) -> None:
    fake.daily_limit = 12  # the provider counts down in its headers too
    order = ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    jobs_ = [{**STANDINGS_JOB, "job_id": f"table-{p.lower()}", "priority": p,
              "params": {"league": 39 + i, "season": 2022}} for i, p in enumerate(order)]
    collector = make_collector(jobs_, providers={"api-football": {"daily_limit": 12, "thresholds": {
        "LOW": 8, "MEDIUM": 4, "HIGH": 1}}})
    fake.script("/standings", Reply.file(STANDINGS))
    last_ok: dict[str, int] = {}
    for round_number in range(8):
        for priority in order:
            if collector.run_job(f"table-{priority.lower()}", "schedule").status == "ok":
                last_ok[priority] = round_number
    assert len(fake.received) == 12 and fake.over_quota == 0  # the day spent to the last request, never beyond
    assert last_ok["LOW"] < last_ok["MEDIUM"] < last_ok["HIGH"] < last_ok["CRITICAL"]
    skipped = {p: job_registry.state(collector.engine, f"table-{p.lower()}")["skipped"] for p in order}
    assert skipped["LOW"] > skipped["MEDIUM"] > skipped["HIGH"] > skipped["CRITICAL"]


def test_a_paged_endpoint_is_followed_until_an_empty_page(make_collector, fake) -> None:
    paged = {**FIXTURES_JOB, "dependencies": [], "pages": {"param": "page", "max": 5}}
    collector = make_collector([paged])
    empty = json.dumps({"get": "fixtures", "parameters": {"league": "78", "season": "2023", "page": "2"},
                        "errors": [], "results": 0, "paging": {"current": 2, "total": 1}, "response": []}).encode()
    fake.script("/fixtures",
                lambda request: Reply.file(FIXTURES) if request.query["page"] == "1" else Reply(body=empty))
    outcome = collector.run_job("bl-fixtures")
    assert outcome.status == "ok" and outcome.requests == 2 and outcome.items == 71
    assert [r.query["page"] for r in fake.received] == ["1", "2"]
    assert [r.params["page"] for r in raw_archive.responses(collector.engine)] == ["1", "2"]
