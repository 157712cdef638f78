"""The pages take the same hostile ids and headers as the API: a 404 page or a normal answer, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import FDUK
from tests.ingest.helpers import load

HOSTILE_IDS = ("9223372036854775808", "99999999999999999999", "2147483648", "0", "-1", "abc", "¹", "1e3")
NOT_UTF8 = [b"\xff\xfe\xfd", b"caf\xe9", b"a" * 65, b"line\r", b"\x00"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("pages") / "pages.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2011-12.csv")
    with TestClient(create_server(Settings(database_url=str(engine.url)), engine),
                    raise_server_exceptions=False) as test_client:
        yield test_client
    engine.dispose()


@pytest.mark.parametrize("page", ["matches", "teams", "leagues", "players"])
@pytest.mark.parametrize("key", HOSTILE_IDS)
def test_pages_answer_404_for_ids_that_are_not_ours(client: TestClient, page: str, key: str) -> None:
    response = client.get(f"/{page}/{key}")
    assert response.status_code == 404, (page, key, response.text[:200])
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("key", ["9223372036854775808", "2147483648", "abc"])
def test_the_api_answers_the_same_ids_without_a_5xx(client: TestClient, key: str) -> None:
    for path in (f"/api/v1/matches/{key}", f"/api/v1/teams/{key}", f"/api/v1/leagues/{key}"):
        response = client.get(path)
        assert response.status_code in (404, 422), (path, response.text)
        assert {"detail", "error_code", "timestamp", "path", "trace_id"} <= response.json().keys()


@pytest.mark.parametrize("raw", NOT_UTF8)
@pytest.mark.parametrize("path", ["/", "/leagues/eng.1?season=2011-12", "/api/v1/leagues/eng.1", "/nothing"])
def test_a_request_id_that_is_not_a_plain_token_gets_our_own(client: TestClient, path: str, raw: bytes) -> None:
    response = client.get(path, headers=[(b"x-request-id", raw)])
    assert response.status_code in (200, 404), response.text[:200]
    trace = response.headers["x-trace-id"]
    assert trace.isascii() and trace.isalnum() and len(trace) == 24


def test_a_plain_request_id_is_kept(client: TestClient) -> None:
    response = client.get("/api/v1/nothing", headers={"X-Request-ID": "req-42.abc"})
    assert response.headers["x-trace-id"] == "req-42.abc" and response.json()["trace_id"] == "req-42.abc"
