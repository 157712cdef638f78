"""The collector as a user runs it (real processes): a jobs file, `matchday collect --for`, and the day's quota
is never exceeded while a league's fixtures, its table and a live match day come in; then quota, coverage,
jobs, reparse and an admin key from the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.collector.conftest import APIF, write_jobs
from tests.collector.fake_provider import Received, Reply
from tests.collector.test_runner import FIXTURES, STANDINGS
from tests.conftest import REPO

LIVE = APIF / "unwrapped" / "fixtures_live-all_2024-05-11.json"
JOBS = [
    {"job_id": "bl-fixtures", "provider": "api-football", "type": "incremental_daily", "priority": "MEDIUM",
     "endpoint": "fixtures", "params": {"league": 78, "season": 2023},
     "interval": {"type": "cron", "cron": "0 */6 * * *"}, "coverage_target": {"min_count": 71}},
    {"job_id": "pl-table", "provider": "api-football", "type": "incremental_daily", "priority": "HIGH",
     "endpoint": "standings", "params": {"league": 39, "season": 2022},
     "interval": {"type": "cron", "cron": "30 */6 * * *"}, "coverage_target": {"min_count": 20}},
    {"job_id": "live", "provider": "api-football", "type": "live_loop", "priority": "CRITICAL",
     "endpoint": "fixtures", "params": {"live": "all"}, "interval": {"type": "interval", "seconds": 0.1},
     "discovery_seconds": 0.1},
]


def matchday(tmp_path: Path, fake_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "MATCHDAY_JOBS_DIR": str(tmp_path / "jobs"), "MATCHDAY_API_FOOTBALL_BASE_URL": fake_url,
           "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key", "MATCHDAY_SCHEDULER_TICK_S": "0.05",
           "MATCHDAY_QUOTA_WAIT_MAX_S": "0"}
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=120)


def paid(fake) -> int:  # noqa: ANN001 - the FakeProvider
    """Requests counted against the day (API-Football's /status is not)."""
    return sum(1 for r in fake.received if r.path != "/status")


def test_collect_within_quota_then_inspect(tmp_path: Path, fake) -> None:
    fake.daily_limit = 6  # the provider's own count, in its headers
    write_jobs(tmp_path / "jobs", JOBS, {"api-football": {"daily_limit": 6, "minute_limit": 100,
                                                          "thresholds": {"MEDIUM": 3, "LOW": 5}}})

    def fixtures(request: Received) -> Reply:
        return Reply.file(LIVE if request.query.get("live") else FIXTURES)

    fake.script("/fixtures", fixtures)
    fake.script("/standings", Reply.file(STANDINGS))
    listed = json.loads(matchday(tmp_path, fake.url, "jobs", "list", "--json").stdout)
    assert [j["job_id"] for j in listed] == ["bl-fixtures", "live", "pl-table"]

    collected = matchday(tmp_path, fake.url, "collect", "--for", "3")
    assert collected.returncode == 0, collected.stderr
    # the account's plan is read first (/status, free); the live loop then paces the day's 6 requests over the day
    # (one poll now, the next when the rest of the day allows it): a small plan is not spent in three seconds
    assert fake.received[0].path == "/status" and fake.over_quota == 0 and paid(fake) == 3
    assert sum(1 for r in fake.received if r.query.get("live") == "all") == 1
    assert fake.requests_to("/standings") == 1
    assert sum(1 for r in fake.received if r.path == "/fixtures" and "league" in r.query) == 1

    quota = {p["provider"]: p for p in json.loads(matchday(tmp_path, fake.url, "quota", "--json").stdout)}
    assert quota["api-football"]["daily_remaining"] == 3 and quota["api-football"]["daily_limit"] == 6
    # three requests in the last hour: the three left last one more hour at this pace
    assert (quota["api-football"]["requests_last_hour"], quota["api-football"]["lasts_hours"]) == (3, 1.0)
    coverage = {r["job_id"]: r for r in json.loads(matchday(tmp_path, fake.url, "coverage", "--json").stdout)}
    assert (coverage["bl-fixtures"]["count"], coverage["bl-fixtures"]["status"]) == (71, "ok")
    assert (coverage["pl-table"]["competition"], coverage["pl-table"]["count"]) == ("eng.1", 20)
    jobs = {j["job_id"]: j for j in json.loads(matchday(tmp_path, fake.url, "jobs", "list", "--json").stdout)}
    assert jobs["bl-fixtures"]["last_status"] == "ok" and jobs["pl-table"]["last_status"] == "ok"
    assert jobs["live"]["last_status"] == "ok"

    for _ in range(3):  # the rest of the day, by hand (a HIGH job: MEDIUM ones keep 3 back)
        matchday(tmp_path, fake.url, "jobs", "run", "pl-table")
    # a job run now is refused before any request: the day is spent
    refused = matchday(tmp_path, fake.url, "jobs", "run", "pl-table", "--json")
    assert json.loads(refused.stdout)["status"] == "skipped" and paid(fake) == 6

    reparsed = json.loads(matchday(tmp_path, fake.url, "reparse", "--provider", "api-football", "--json").stdout)
    # the six answers and the five /status readings (collect, four jobs runs) are archived and parse again
    assert reparsed["responses"] == 11 and reparsed["failed"] == [] and paid(fake) == 6
    key = json.loads(matchday(tmp_path, fake.url, "admin", "create-key", "--name", "ops", "--json").stdout)
    assert key["key"].startswith("mdk_")
    assert key["key"] not in (tmp_path / "cli.db").read_bytes().decode("latin-1")
