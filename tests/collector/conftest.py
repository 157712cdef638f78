"""Collector tests: a fake provider on 127.0.0.1, a fresh SQLite store, settings with tiny backoffs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from matchday.ingest.collector import Collector
from matchday.settings import Settings
from tests.collector.fake_provider import FakeProvider
from tests.conftest import DATA

SAMPLES = DATA / "api-samples"
APIF = SAMPLES / "api-football"


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    yield server
    server.stop()


def collector_settings(tmp_path: Path, fake: FakeProvider, **overrides) -> Settings:  # noqa: ANN003
    values = dict(database_url=f"sqlite:///{tmp_path / 'matchday.db'}", jobs_dir=tmp_path / "jobs",
                  api_football_base_url=fake.url, api_football_key="secret-test-key", espn_base_url=fake.url,
                  football_data_org_base_url=fake.url, football_data_org_token="secret-token",
                  http_timeout_s=0.5, http_retries=3, http_backoff_s=0.001, http_backoff_max_s=0.01,
                  breaker_fail_max=5, breaker_reset_s=0.3, quota_wait_max_s=0.0, job_retry_s=0.0,
                  redis_url=None)
    values.update(overrides)
    (tmp_path / "jobs").mkdir(exist_ok=True)
    return Settings(**values)


def write_jobs(directory: Path, jobs: list[dict], providers: dict | None = None, name: str = "jobs.yaml",
               **extra) -> None:  # noqa: ANN003 - other file-level keys (defaults, leagues)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(yaml.safe_dump({**extra, "jobs": jobs}, sort_keys=False))
    if providers is not None:
        (directory / "providers.yaml").write_text(yaml.safe_dump(providers))


class Sleeps(list):
    """A sleep that only records: retries are tested by the waits asked for, never by the clock."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def make_collector(tmp_path: Path, fake: FakeProvider, sqlite_engine: Engine):  # noqa: ANN201
    made: list[Collector] = []

    def build(jobs: list[dict] | None = None, providers: dict | None = None, **overrides) -> Collector:  # noqa: ANN003
        settings = collector_settings(tmp_path, fake, database_url=str(sqlite_engine.url), **overrides)
        if jobs is not None or providers is not None:
            write_jobs(settings.jobs_dir, jobs or [], providers)
        collector = Collector.create(settings, sqlite_engine, sleep=Sleeps())
        made.append(collector)
        return collector

    yield build
    for collector in made:
        collector.close()
