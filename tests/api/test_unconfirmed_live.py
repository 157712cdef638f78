"""Recorded provider answers loaded from a file leave matches 'live' that no source follows any more: hours after
their kick-off they are unconfirmed, not live (the API's live list and the home page's Live now leave them out,
lists and match pages say so)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from matchday.domain.changes import EVERYTHING
from matchday.domain.live_status import LONGEST_MATCH
from matchday.ingest.apply import writing
from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches
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


def test_a_cached_live_list_lasts_no_longer_than_its_matches_are_believed_in_play(
        sqlite_engine: Engine) -> None:
    """A match listed in play turns unconfirmed three hours after kick-off with no write at all: the cached list
    (live answers are cached 30 s) must expire then, not at the next write or the end of its TTL."""
    load(sqlite_engine, "api-football", LIVE_ALL)
    turns = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(seconds=4)
    with writing(sqlite_engine) as (conn, changes):  # one of them kicked off not quite three hours ago
        match_id = conn.execute(select(matches.c.id).where(matches.c.status == "live").limit(1)).scalar_one()
        conn.execute(update(matches).where(matches.c.id == match_id)
                     .values(kickoff_utc=turns - LONGEST_MATCH, last_checked_at=None))
        changes.tags.add(EVERYTHING)
    with TestClient(create_server(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)) as client:
        first = client.get("/api/v1/matches/live")
        assert [m["id"] for m in first.json()["items"]] == [match_id]
        assert 0 < int(first.headers["cache-control"].rsplit("=", 1)[1]) <= 4  # not the live TTL of 30 s
        assert client.get("/api/v1/matches/live").headers["x-cache"] == "hit"
        while datetime.now(UTC).replace(tzinfo=None) < turns + timedelta(seconds=1):
            time.sleep(0.2)
        after = client.get("/api/v1/matches/live")  # no write since: only the clock has moved
        assert after.json()["total"] == 0, after.headers
