"""Shared fixtures: the real data folder, stores on SQLite and on a real PostgreSQL server, the CLI."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.postgres_server import PostgresServer, PostgresUnavailable
from tests.redis_server import RedisServer, RedisUnavailable
from tests.smtp_server import SmtpServer
from tests.testdata import DataSetError, cache_dir, data_root

REPO = Path(__file__).resolve().parent.parent
DATA = cache_dir()  # the real data set, fetched and verified at session start (tests/testdata.py; README)
FDUK = DATA / "football-data-co-uk"


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        data_root()
    except DataSetError as exc:
        raise pytest.UsageError(f"the test data set cannot be had: {exc}") from None


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
        server.start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            raise  # CI must run the PostgreSQL tests, never skip them
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    yield server
    server.stop()


def _redis() -> Iterator[RedisServer]:
    try:
        server = RedisServer()
        server.start()
    except RedisUnavailable as exc:
        if os.environ.get("CI"):
            raise  # CI must run the Redis tests, never skip them
        pytest.skip(f"Redis cannot start here: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _redis()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis of the test's own: its command counts are the test's processes', nobody else's."""
    yield from _redis()


_db_numbers = itertools.count(1)


def _fresh_postgres_url(server: PostgresServer) -> str:
    name = f"matchday_test_{next(_db_numbers)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on localhost (aiosmtpd); its ``inbox`` holds every message received."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite file, and a database on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'matchday.db'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres"))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = make_engine(store_url)
    upgrade(eng)
    seed_reference_data(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'matchday.db'}")
    upgrade(eng)
    seed_reference_data(eng)
    yield eng
    eng.dispose()


def run_async(coroutine):  # noqa: ANN001, ANN201 - any coroutine, its result
    """asyncio.run in a fresh thread: Playwright's sync API keeps an event loop running in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
