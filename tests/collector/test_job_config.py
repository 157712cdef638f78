"""Job files: the shipped example set loads; a bad file is refused with its file, line and field; cycles refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from matchday.errors import ConfigError
from matchday.fetch.quota import Priority
from matchday.ingest.collector import discover_providers
from matchday.ingest.job_config import JobType, load_registry
from tests.conftest import REPO


def test_the_shipped_example_set_loads_and_is_off_by_default() -> None:
    registry = load_registry(REPO / "config" / "jobs", discover_providers())
    assert registry.jobs and registry.enabled() == []  # nothing calls a provider until the user enables it
    fixtures = registry.jobs["api-football:fixtures:39:2025"]
    assert fixtures.params == {"league": "39", "season": "2025"} and fixtures.type is JobType.INCREMENTAL_DAILY
    assert registry.plans()["api-football"].daily_limit == 100
    assert registry.plans()["api-football"].floor(Priority.LOW) == 50
    order = registry.order()
    assert order.index("api-football:league:39") < order.index("api-football:teams:39:2025") < order.index(
        "api-football:fixtures:39:2025")


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "jobs.yaml").write_text(text)
    return tmp_path


def test_leagues_expand_and_today_fills_at_run_time(tmp_path: Path) -> None:
    registry = load_registry(_write(tmp_path, """\
leagues:
  - {league: 39, season: 2024}
  - {league: 78, season: 2023}
jobs:
  - job_id: "fx:{{ league }}"
    provider: api-football
    type: incremental_daily
    endpoint: fixtures
    params: {league: "{{ league }}", season: "{{ season }}", date: "{{ today }}"}
    interval: {type: interval, seconds: 3600}
"""))
    assert sorted(registry.jobs) == ["fx:39", "fx:78"]
    job = registry.jobs["fx:78"]
    assert (job.league, job.season) == ("78", "2023")
    assert job.resolved_params(datetime(2026, 5, 17, 12, tzinfo=UTC)) == {
        "league": "78", "season": "2023", "date": "2026-05-17"}


@pytest.mark.parametrize(("text", "expected"), [
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: daily\n    endpoint: fixtures\n",
     r"jobs.yaml:4: jobs.0.type: Input should be"),
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: backfill\n    endpoint: fixtures\n"
     "    priority: URGENT\n", r"jobs.yaml:6: jobs.0.priority"),
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: live_loop\n    endpoint: fixtures\n",
     r"jobs.yaml:2: jobs.0: Value error, a live_loop job needs an interval"),
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: backfill\n    endpoint: fixtures\n"
     "    interval: {type: cron, cron: 'every hour'}\n", r"jobs.yaml:6: jobs.0.interval.cron.cron"),
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: backfill\n    endpoint: fixtures\n"
     "    colour: red\n", r"jobs.yaml:6: jobs.0.colour: Extra inputs are not permitted"),
    ("jobs:\n  - job_id: a\n    provider: nowhere\n    type: backfill\n    endpoint: fixtures\n",
     r"jobs.yaml:2: provider: unknown provider 'nowhere'"),
    ("jobs:\n  - job_id: a\n    provider: api-football\n    type: backfill\n    endpoint: fixturez\n",
     r"jobs.yaml:2: endpoint: api-football has no endpoint 'fixturez'"),
    ("jobs: [\n", r"jobs.yaml:2: not valid YAML"),
])
def test_a_bad_file_is_refused_with_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_registry(_write(tmp_path, text), discover_providers())


def test_a_dependency_cycle_is_an_error(tmp_path: Path) -> None:
    job = "  - {{job_id: {name}, provider: api-football, type: backfill, endpoint: fixtures, dependencies: [{dep}]}}\n"
    text = "jobs:\n" + job.format(name="a", dep="b") + job.format(name="b", dep="c") + job.format(name="c", dep="a")
    with pytest.raises(ConfigError, match=r"cycle a -> b -> c -> a"):
        load_registry(_write(tmp_path, text), discover_providers())


def test_an_unknown_dependency_and_a_duplicate_id_are_errors(tmp_path: Path) -> None:
    job = "  - {job_id: a, provider: api-football, type: backfill, endpoint: fixtures, dependencies: [zz]}\n"
    with pytest.raises(ConfigError, match=r"jobs.yaml:2: dependencies: unknown job 'zz'"):
        load_registry(_write(tmp_path, "jobs:\n" + job), discover_providers())
    same = "  - {job_id: a, provider: api-football, type: backfill, endpoint: fixtures}\n"
    with pytest.raises(ConfigError, match=r"job_id 'a' is already defined at .*jobs.yaml:2"):
        load_registry(_write(tmp_path, "jobs:\n" + same + same), discover_providers())


def test_bad_providers_file(tmp_path: Path) -> None:
    (tmp_path / "providers.yaml").write_text("api-football:\n  daily_limit: lots\n")
    with pytest.raises(ConfigError, match=r"providers.yaml:2: api-football.daily_limit"):
        load_registry(tmp_path)
