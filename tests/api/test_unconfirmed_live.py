"""Recorded provider answers loaded from a file leave matches 'live' that no source follows any more: hours after
their kick-off they are unconfirmed, not live (the API's live list and the home page's Live now leave them out,
lists and match pages say so)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import DATA
from tests.ingest.helpers import load

LIVE_ALL = DATA / "api-samples" / "api-football" / "unwrapped" / "fixtures_live-all_2024-05-11.json"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('stale') / 'stale.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "api-football", LIVE_ALL)
    with TestClient(create_server(Settings(database_url=str(engine.url)), engine)) as test_client:
        yield test_client
    engine.dispose()


def test_old_live_matches_are_not_live(client: TestClient) -> None:
    stored = client.get("/api/v1/matches", params={"date": "2024-05-11", "status": "live", "limit": 200}).json()
    assert stored["total"] > 100  # the answers said "in play" for every one of them
    assert client.get("/api/v1/matches/live").json()["total"] == 0
    home = client.get("/").text
    live_now = home[home.index('data-role="live-now"'):home.index("</section>", home.index('data-role="live-now"'))]
    assert "match-row" not in live_now


def test_they_are_shown_as_unconfirmed(client: TestClient) -> None:
    page = client.get("/fixtures", params={"date": "2024-05-11"}).text
    assert page.count(">unconfirmed</span>") > 100 and "badge live" not in page
    match_id = client.get("/api/v1/matches", params={"date": "2024-05-11", "status": "live"}).json()["items"][0]["id"]
    assert ">unconfirmed</span>" in client.get(f"/matches/{match_id}").text
