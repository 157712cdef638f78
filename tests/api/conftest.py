"""One real store for the API tests: real seasons from the shared data plus a simulated season."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.accounts.store import upgrade_users
from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load

SIM_NOW = datetime(2026, 11, 22, 12, 0)


def build_store(path: Path) -> Engine:
    return build_store_at(f"sqlite:///{path}")


def build_store_at(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    upgrade_users(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2011-12.csv", FDUK / "E0" / "2024-25.csv")
    load(engine, "openfootball", DATA / "openfootball-football.json" / "2024-25" / "en.1.json",
         DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json")
    load(engine, "simulator", teams="10", seed="4", season="2026-27", played_until=SIM_NOW.isoformat())
    return engine


SAMPLES = DATA / "api-samples"
AF_FIXTURES = (SAMPLES / "api-football" /
               "fixtures_ids_1149519-1149523_PEN_with-embedded-events-lineups-statistics-players.json")
UNDERSTAT_MATCH = SAMPLES / "understat" / "match_14717.html"


def build_match_centre_store(path: Path) -> Engine:
    """Providers' recorded payloads with what the match centre shows: a season of results (football-data.co.uk
    2020-21) joined by Understat's match page (shots with x/y/xG, player xG), API-Football fixtures with embedded
    line-ups (formation, grid, coach), statistics and player ratings, team profiles from API-Football's team list,
    football-data.org's table and ESPN's match summary."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    upgrade_users(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2020-21.csv")
    load(engine, "understat", UNDERSTAT_MATCH)
    load(engine, "api-football", AF_FIXTURES, SAMPLES / "api-football" / "teams_search-Manchester.json")
    load(engine, "football-data-org", SAMPLES / "football-data-org" / "unwrapped" /
         "competitions-PL-standings_season-2025.json")
    load(engine, "espn", SAMPLES / "espn" / "summary_usa.1_event-692669_reindented.json")
    return engine


@pytest.fixture(scope="session")
def match_centre_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_match_centre_store(tmp_path_factory.mktemp("match-centre") / "match-centre.db")


@pytest.fixture(scope="session")
def match_centre_client(match_centre_store: Engine) -> Iterator[TestClient]:
    with TestClient(create_server(Settings(database_url=str(match_centre_store.url)), match_centre_store)) as c:
        yield c


@pytest.fixture(scope="session")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_store(tmp_path_factory.mktemp("api") / "api.db")


@pytest.fixture(scope="session")
def client(api_store: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=str(api_store.url))
    with TestClient(create_server(settings, api_store)) as test_client:
        yield test_client


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql+redis", marks=pytest.mark.postgres)])
def fuzz_schema(request: pytest.FixtureRequest):  # noqa: ANN201 - the schemathesis schema of the running app
    """The app on the SQLite API store in-process, and on the same data in PostgreSQL with Redis."""
    import schemathesis

    from tests.conftest import _fresh_postgres_url

    if request.param == "sqlite":
        store, redis_url = engine_of_its_own(request, request.getfixturevalue("api_store")), None
    else:
        store = build_store_at(_fresh_postgres_url(request.getfixturevalue("postgres")))
        redis_url = request.getfixturevalue("redis_server").url
        request.addfinalizer(store.dispose)
    settings = Settings(database_url=store.url.render_as_string(hide_password=False), redis_url=redis_url)
    app = create_server(settings, store)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    end_fuzzed_app(app)


def engine_of_its_own(request: pytest.FixtureRequest, shared: Engine) -> Engine:
    """A new engine on the shared store's database, disposed with the requesting fixture: ``end_fuzzed_app`` then
    counts the fuzzed app's connections alone (the session's ``client`` app keeps the shared engine busy with its
    background work at any moment)."""
    engine = make_engine(shared.url.render_as_string(hide_password=False))
    request.addfinalizer(engine.dispose)
    return engine


def end_fuzzed_app(app: FastAPI) -> None:
    """End what schemathesis started for ``app`` and check that it ended: schemathesis runs the app's lifespan
    (its scheduler, publisher, pools) from the first request on; its pytest plugin ends it after each test, and
    this ends it with the fixture whatever plugins are loaded. Nothing of the app may still run once its store
    is disposed."""
    from schemathesis.python import asgi

    asgi.shutdown_lifespans()
    assert all(task.done() for task in getattr(app.state, "live_tasks", ())), "the app's scheduler still runs"
    assert app.state.engine.pool.checkedout() == 0, "a connection was never given back"
    # anything of the app's left in reference cycles goes now, quietly. (The connection psycopg once found unclosed
    # here came from a reminder run's thread that outlived the shutdown; background threads now end before the
    # tasks that started them, matchday.threads, tests/test_threads.py.)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
