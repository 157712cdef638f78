"""One real store for the API tests: real seasons from the shared data plus a simulated season."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
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
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    upgrade_users(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2011-12.csv", FDUK / "E0" / "2024-25.csv")
    load(engine, "openfootball", DATA / "openfootball-football.json" / "2024-25" / "en.1.json",
         DATA / "openfootball-worldcup.json" / "2022" / "worldcup.json")
    load(engine, "simulator", teams="10", seed="4", season="2026-27", played_until=SIM_NOW.isoformat())
    return engine


@pytest.fixture(scope="session")
def api_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_store(tmp_path_factory.mktemp("api") / "api.db")


@pytest.fixture(scope="session")
def client(api_store: Engine) -> Iterator[TestClient]:
    settings = Settings(database_url=str(api_store.url))
    with TestClient(create_server(settings, api_store)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def fuzz_schema(api_store: Engine):  # noqa: ANN201 - the schemathesis schema of the running app
    import schemathesis

    app = create_server(Settings(database_url=str(api_store.url)), api_store)
    return schemathesis.openapi.from_asgi("/openapi.json", app)
