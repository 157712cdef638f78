"""The collector design's config folder (api.yaml, jobs/{static,daily,live}.yaml, coverage.yaml) loads as
written and runs against a real local HTTP server standing in for API-Football; job files are bounded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from matchday.errors import ConfigError
from matchday.ingest.collector import discover_providers
from matchday.ingest.job_config import TargetLayer, load_registry
from tests.collector.conftest import APIF
from tests.collector.fake_provider import Reply
from tests.conftest import REPO

DESIGN = Path(__file__).parent / "design_config"
ANSWERS = Path(__file__).parent / "reference_answers"


def matchday(tmp_path: Path, fake_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "MATCHDAY_CONFIG_DIR": str(tmp_path / "config"), "MATCHDAY_API_FOOTBALL_BASE_URL": fake_url,
           "API_FOOTBALL_KEY": "secret-from-api-key-env", "MATCHDAY_QUOTA_WAIT_MAX_S": "0"}
    env.pop("MATCHDAY_JOBS_DIR", None)
    env.pop("MATCHDAY_API_FOOTBALL_KEY", None)
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=120)


def test_the_design_s_files_load_as_written() -> None:
    registry = load_registry(DESIGN / "jobs", discover_providers())
    assert sorted(registry.jobs) == ["bootstrap_countries", "bootstrap_leagues", "bootstrap_teams",
                                     "bootstrap_venues", "daily_fixtures_pl", "daily_injuries_bl",
                                     "daily_players_bl", "daily_rounds_bl", "live_fixtures_all"]
    daily = registry.jobs["daily_fixtures_pl"]
    assert (daily.provider, daily.endpoint, daily.target_layer) == ("api-football", "fixtures",
                                                                     TargetLayer.RAW_CORE_MART)
    assert (daily.coverage_target.min_count, daily.coverage_target.max_lag_minutes) == (10, 60)
    # coverage.yaml's alert thresholds (%) are every target's ratios
    assert (daily.coverage_target.warning_ratio, daily.coverage_target.critical_ratio) == (0.95, 0.90)
    live = registry.jobs["live_fixtures_all"]
    assert live.filters.tracked_leagues == [39, 140, 135, 61, 78] and live.filters.tracks("78")
    assert not live.filters.tracks(128)
    # a job without a target of its own takes coverage.yaml's for its endpoint, league and season
    players = registry.jobs["daily_players_bl"].coverage_target
    assert (players.min_count, players.required_fields) == (40, ["nationality"])
    assert registry.jobs["daily_rounds_bl"].coverage_target.min_count == 34
    assert registry.jobs["bootstrap_venues"].target_layer is TargetLayer.RAW
    # api.yaml's plan: the soft per-minute limit is kept, and the emergency stop leaves only CRITICAL
    plan = registry.plans()["api-football"]
    assert (plan.daily_limit, plan.minute_limit) == (100, 8)
    assert {p.value: plan.floor(p) for p in plan.thresholds} == {"HIGH": 5, "MEDIUM": 5, "LOW": 5}


@pytest.mark.parametrize(("file", "text", "expected"), [
    ("jobs/daily.yaml", "jobs:\n  - job_id: a\n    type: incremental_daily\n    endpoint: /fixtures\n"
                        "    interval: {type: cron, cron: '0 * * * *'}\n    target_layer: raw+mart\n",
     r"daily.yaml:6: jobs.0.target_layer"),
    ("jobs/daily.yaml", "jobs:\n  - job_id: a\n    type: incremental_daily\n    endpoint: /fixtures\n"
                        "    interval: {type: cron, cron: '0 * * * *'}\n    filters: {tracked_league: [39]}\n",
     r"daily.yaml:6: jobs.0.filters.tracked_league: Extra inputs"),
    ("jobs/daily.yaml", "jobs:\n  - job_id: a\n    type: incremental_daily\n    endpoint: /fixtures\n"
                        "    interval: {type: cron, cron: '0 * * * *'}\n"
                        "    coverage_target: {min_fixture_count: 10}\n",
     r"daily.yaml:6: jobs.0.coverage_target.min_fixture_count: Extra inputs"),
    ("jobs/daily.yaml", "jobs:\n  - job_id: a\n    type: incremental_daily\n    endpoint: /fixtures\n"
                        "    interval: {type: cron, cron: '0 * * * *'}\n"
                        "    coverage_target: {endpoint: /standings}\n",
     r"daily.yaml:2: jobs.0: Value error, coverage_target.endpoint 'standings' is not the job's"),
    ("api.yaml", "api:\n  base_url: http://x\nrate_limits:\n  daily_limt: 100\n",
     r"api.yaml:4: rate_limits.daily_limt: Extra inputs"),
    ("coverage.yaml", "coverage_targets:\n  - league_id: 39\n    season: 2024\n    endpoints:\n"
                      "      /fixtures: {min_fixtures_count: 10, max_lag_minute: 5}\n",
     r"coverage.yaml:5: coverage_targets.0.endpoints./fixtures.max_lag_minute: Extra inputs"),
    ("coverage.yaml", "alert_thresholds: {coverage_warning: 90, coverage_critical: 95}\n",
     r"coverage.yaml:1: alert_thresholds: Value error, coverage_critical is over coverage_warning"),
])
def test_typos_are_refused_with_file_line_and_field(tmp_path: Path, file: str, text: str, expected: str) -> None:
    config = tmp_path / "config"
    shutil.copytree(DESIGN, config)
    (config / file).write_text(text)
    with pytest.raises(ConfigError, match=expected):
        load_registry(config / "jobs", discover_providers())


def test_job_files_are_bounded_and_give_file_line_errors(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(9)]
    (jobs / "bomb.yaml").write_text("\n".join(bomb) + "\njobs:\n  - job_id: a\n    type: backfill\n"
                                    "    endpoint: fixtures\n    params: {x: *j}\n")
    with pytest.raises(ConfigError, match=r"bomb.yaml:\d+: YAML aliases expand to more than 100000 values"):
        load_registry(jobs)
    (jobs / "bomb.yaml").unlink()
    (jobs / "big.yaml").write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    with pytest.raises(ConfigError, match=r"big.yaml: 2097154 bytes; a job file may hold at most 1048576"):
        load_registry(jobs)
    (jobs / "big.yaml").unlink()
    (jobs / "latin1.yaml").write_bytes(b"jobs:\n  - job_id: caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin1.yaml:2: not UTF-8 text \(byte 0xe9 at column 16\)"):
        load_registry(jobs)


def test_the_design_s_jobs_run_against_a_stand_in_api_football(tmp_path: Path, fake) -> None:
    shutil.copytree(DESIGN, tmp_path / "config")
    api = tmp_path / "config" / "api.yaml"  # the test sends a dozen requests within a minute: a bigger plan
    api.write_text(api.read_text().replace("minute_limit: 10", "minute_limit: 100").replace(
        "minute_soft_limit: 8", "minute_soft_limit: 60"))
    fake.daily_limit = 100
    fake.script("/countries", Reply.file(ANSWERS / "countries.json"))
    fake.script("/leagues", Reply.file(APIF / "leagues_code-DE_current-true.json"))
    fake.script("/teams", Reply.file(APIF / "teams_search-Manchester.json"))
    fake.script("/venues", Reply.file(ANSWERS / "venues.json"))
    fake.script("/fixtures/rounds", Reply.file(ANSWERS / "fixtures-rounds.json"))
    fake.script("/injuries", Reply.file(ANSWERS / "injuries.json"))
    fake.script("/players", lambda r: Reply.file(ANSWERS / f"players-page-{r.query.get('page', '1')}.json"))
    fake.script("/fixtures", Reply.file(APIF / "fixtures_league-78_season-2023_status-NS-PST.json"))

    listed = json.loads(matchday(tmp_path, fake.url, "jobs", "list", "--json").stdout)
    assert {j["job_id"]: j["provider"] for j in listed}["daily_fixtures_pl"] == "api-football"
    for job in ("daily_fixtures_pl", "bootstrap_venues", "daily_rounds_bl", "daily_players_bl",
                "daily_injuries_bl"):
        ran = matchday(tmp_path, fake.url, "jobs", "run", job, "--json")
        assert ran.returncode == 0 and json.loads(ran.stdout)["status"] == "ok", (job, ran.stdout, ran.stderr)
    asked = [(r.path, r.query.get("page")) for r in fake.received]
    # the plan first (free), the dependencies before the daily job, three pages of players until an empty one
    assert asked[0] == ("/status", None)
    assert asked.index(("/countries", None)) < asked.index(("/leagues", None)) < asked.index(("/teams", None)) \
        < asked.index(("/fixtures", None))
    assert [p for path, p in asked if path == "/players"] == ["1", "2", "3"]
    assert all(r.headers.get("x-apisports-key") == "secret-from-api-key-env" for r in fake.received)
    coverage = {r["job_id"]: r for r in json.loads(matchday(tmp_path, fake.url, "coverage", "--json").stdout)}
    players = coverage["daily_players_bl"]
    assert (players["count"], players["min_count"], players["count_pct"]) == (3, 40, 7.5)
    assert players["completeness_pct"] == pytest.approx(66.7) and players["freshness_pct"] == 100.0
    assert players["overall_pct"] == pytest.approx(0.5 * 7.5 + 0.3 * 100 + 0.2 * 66.7, abs=0.1)
    assert coverage["daily_rounds_bl"]["count"] == 38 and coverage["daily_rounds_bl"]["count_pct"] == 100.0
    assert "bootstrap_venues" not in coverage  # target_layer raw: archived only, nothing stored, no coverage
    assert "bootstrap_teams" not in coverage  # raw+core: stored, coverage not computed
    status = json.loads(matchday(tmp_path, fake.url, "status", "--json").stdout)
    assert status["matches"] == 71


def test_a_wrong_shaped_answer_names_provider_endpoint_field_and_value(tmp_path: Path, fake,
                                                                        make_collector) -> None:
    doc = json.loads((APIF / "fixtures_league-78_season-2023_status-NS-PST.json").read_bytes())
    doc["response"][0]["fixture"]["venue"] = 7
    doc["response"][1]["league"] = 5
    doc["response"][2]["score"]["halftime"] = 3
    fake.script("/fixtures", Reply(200, json.dumps(doc).encode()))
    collector = make_collector([{"job_id": "bl", "provider": "api-football", "type": "backfill",
                                 "endpoint": "/fixtures", "params": {"league": 78, "season": 2023}}])
    outcome = collector.run_job("bl")
    assert outcome.status == "ok" and outcome.items == 68
    from sqlalchemy import select

    from matchday.store.schema import quarantined_rows
    with collector.engine.connect() as conn:
        reasons = sorted((r.field, r.reason, r.location) for r in conn.execute(select(quarantined_rows)))
    fields = [f for f, _reason, _where in reasons]
    assert fields == ["fixture.venue", "league", "score.halftime"]
    assert all(where.startswith("raw:") and "api-football/fixtures?" in where for _f, _r, where in reasons)
    assert "api-football: expected an object for fixture.venue: 7" in reasons[0][1]
    assert "api-football: expected an object for league: 5" in reasons[1][1]
    assert not any("AttributeError" in r for _f, r, _w in reasons)


def test_a_wrong_shaped_answer_whole_is_refused_with_its_endpoint(make_collector, fake) -> None:
    fake.script("/fixtures", Reply(200, b'{"get": "fixtures", "errors": [], "response": {"fixture": 1}}'))
    collector = make_collector([{"job_id": "bl", "type": "backfill", "endpoint": "fixtures",
                                 "params": {"league": 78, "season": 2023}}])
    outcome = collector.run_job("bl")
    assert outcome.status == "failed" and "fixtures: api-football: 'response' is not a list" in outcome.error


def test_a_live_source_with_tracked_leagues_keeps_only_those_fixtures() -> None:
    from matchday.sources.api_football import ApiFootballLive

    body = (APIF / "unwrapped" / "fixtures_live-all_2024-05-11.json").read_bytes()
    asked: list[dict] = []

    def fetch(endpoint: str, params: dict) -> bytes:
        asked.append(params)
        return body

    every = ApiFootballLive(fetch).poll(None)
    tracked = ApiFootballLive(fetch, tracked_leagues=[39, 140, 135, 61, 78]).poll(None)
    assert len(every) > len(tracked) > 0
    assert {m.competition.code for m in tracked.values()} <= {"eng.1", "esp.1", "ita.1", "fra.1", "ger.1"}
    # a poll of the due matches is one live=all: every tracked one is in it, nothing is asked by ids=
    asked.clear()
    polled = ApiFootballLive(fetch, tracked_leagues=[39, 140, 135, 61, 78]).poll(set(tracked))
    assert asked == [{"live": "all"}] and set(polled) == set(tracked)
