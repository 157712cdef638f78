"""A provider's "remaining: 0" outlives the process that heard it (issue 17, item 8): without Redis, the next
process (``matchday quota``, the next ``jobs run``) starts from the provider's last quota headers, kept with their
time in the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.collector.conftest import APIF, write_jobs
from tests.collector.fake_provider import Reply
from tests.collector.test_runner import STANDINGS_JOB
from tests.conftest import REPO

STANDINGS = APIF / "standings_league-39_season-2022.json"


def test_remaining_zero_is_remembered_by_the_next_process(tmp_path: Path, fake) -> None:  # noqa: ANN001
    jobs = tmp_path / "jobs"
    write_jobs(jobs, [STANDINGS_JOB])
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'matchday.db'}",
           "MATCHDAY_JOBS_DIR": str(jobs), "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
           "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key", "MATCHDAY_JOB_RETRY_S": "0"}
    env.pop("MATCHDAY_REDIS_URL", None)
    # the provider says: 100 a day, none left (another client spent them on the same key)
    fake.script("/standings", Reply.file(STANDINGS, headers={"x-ratelimit-requests-limit": "100",
                                                            "x-ratelimit-requests-remaining": "0"}))

    def matchday(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "matchday.cli", *args], env=env, cwd=REPO, capture_output=True,
                              text=True, timeout=120, check=False)

    first = matchday("jobs", "run", "pl-standings", "--json")
    assert '"status": "ok"' in first.stdout, first.stdout + first.stderr
    report = json.loads(matchday("quota", "--json").stdout)
    api_football = next(p for p in report if p["provider"] == "api-football")
    assert api_football["daily_remaining"] == 0 and api_football["daily_limit"] == 100, api_football
    second = matchday("jobs", "run", "pl-standings", "--json")
    assert '"status": "skipped"' in second.stdout and "quota" in second.stdout, second.stdout + second.stderr
    assert fake.requests_to("/standings") == 1  # nothing sent against a spent quota
