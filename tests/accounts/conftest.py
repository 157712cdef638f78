"""An app with a real users store: the football store on SQLite, the users store beside it or apart."""

from __future__ import annotations

from collections.abc import Iterator
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

PASSWORD = "correct horse battery staple"


def football_store(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_reference_data(engine)
    return engine


def make_client(engine: Engine, users_url: str | None = None, **settings: object) -> TestClient:
    options = {"login_rate_limit": "1000/minute", "login_address_rate_limit": "1000/minute",
               "register_rate_limit": "1000/minute", "password_reset_rate_limit": "1000/minute", **settings}
    config = Settings(database_url=str(engine.url), users_database_url=users_url, **options)
    app = create_server(config, engine)
    upgrade_users(app.state.accounts.engine)
    return TestClient(app)


def register(client: TestClient, name: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/register",
                           json={"email": f"{name}@example.org", "username": name, "password": password})
    assert response.status_code == 201, response.text
    return response.json()


def login(client: TestClient, name: str, password: str = PASSWORD) -> dict:
    response = client.post("/api/v1/auth/login", data={"username": name, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture(scope="module")
def accounts_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = football_store(tmp_path_factory.mktemp("accounts") / "football.db")
    with make_client(engine) as client:
        yield client
    engine.dispose()
