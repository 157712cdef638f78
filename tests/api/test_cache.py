"""Caching that is never stale: every write invalidates what it touched, whichever process wrote it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.cache import write_position
from matchday.server import create_server
from matchday.settings import Settings
from tests.conftest import FDUK, REPO
from tests.ingest.helpers import load

ORIGINAL = "E0,13/08/11,Blackburn,Wolves,1,2,A"


def _season_file(tmp_path: Path, score: str | None = None) -> Path:
    """E0 2011-12 as published, or with the first match's score rewritten (a correction by the source)."""
    text = (FDUK / "E0" / "2011-12.csv").read_text()
    if score:
        home, away = score.split("-")
        result = "H" if home > away else "A" if away > home else "D"
        text = text.replace(ORIGINAL, f"E0,13/08/11,Blackburn,Wolves,{home},{away},{result}")
    path = tmp_path / f"E0-{score or 'original'}.csv"
    path.write_text(text)
    return path


def _first_match(client: TestClient) -> dict:
    match_id = client.get("/api/v1/matches", params={"date": "2011-08-13", "limit": 1}).json()["items"][0]["id"]
    return client.get(f"/api/v1/matches/{match_id}")


def _wolves_points(client: TestClient) -> int:
    table = client.get("/api/v1/leagues/eng.1/table", params={"season": "2011-12"}).json()["standings"]
    return next(r["points"] for r in table if r["team_name"].startswith("Wolverhampton"))


@pytest.fixture(params=["memory", "redis"])
def settings_for(request: pytest.FixtureRequest):
    redis_url = request.getfixturevalue("redis_server").url if request.param == "redis" else None

    def make(engine: Engine) -> Settings:
        return Settings(database_url=str(engine.url), redis_url=redis_url)

    return make


def test_write_through_the_pipeline_is_visible_immediately(sqlite_engine: Engine, tmp_path: Path,
                                                           settings_for) -> None:
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    with TestClient(create_server(settings_for(sqlite_engine), sqlite_engine)) as client:
        first = _first_match(client)
        again = _first_match(client)
        assert (first.headers["x-cache"], again.headers["x-cache"]) == ("miss", "hit")
        assert first.json()["score"]["home"] == 1 and _wolves_points(client) == 25
        load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "3-0"))  # the source corrects a score
        fresh = _first_match(client)
        assert fresh.headers["x-cache"] == "miss" and fresh.json()["score"] == {**first.json()["score"], "home": 3,
                                                                                 "away": 0}
        assert _wolves_points(client) == 22  # the table moved with it


def test_two_server_processes_sharing_redis(sqlite_engine: Engine, tmp_path: Path, redis_server) -> None:
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url)
    with TestClient(create_server(settings, sqlite_engine)) as one, \
            TestClient(create_server(settings, sqlite_engine)) as two:
        assert _first_match(one).headers["x-cache"] == "miss"
        assert _first_match(two).headers["x-cache"] == "hit"  # one shared cache
        load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "0-0"))
        assert _first_match(two).json()["score"]["home"] == 0
        assert _first_match(one).json()["score"]["home"] == 0


def test_a_load_in_another_process_invalidates_this_servers_cache(sqlite_engine: Engine, tmp_path: Path) -> None:
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    with TestClient(create_server(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)) as client:
        assert _first_match(client).json()["score"]["home"] == 1
        _first_match(client)  # cached now
        env = {**os.environ, "MATCHDAY_DATABASE_URL": str(sqlite_engine.url)}
        subprocess.run([sys.executable, "-m", "matchday.cli", "load", "football-data-uk",
                        str(_season_file(tmp_path, "4-4"))], env=env, cwd=REPO, check=True, capture_output=True)
        assert _first_match(client).json()["score"]["home"] == 4


def test_etag_cache_control_and_gzip(sqlite_engine: Engine, tmp_path: Path) -> None:
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    with TestClient(create_server(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)) as client:
        response = _first_match(client)
        assert response.headers["cache-control"] == "public, max-age=3600"  # a finished match
        match_id = response.json()["id"]
        unchanged = client.get(f"/api/v1/matches/{match_id}", headers={"If-None-Match": response.headers["etag"]})
        assert unchanged.status_code == 304 and not unchanged.content
        table = client.get("/api/v1/leagues/eng.1/table", params={"season": "2011-12"},
                           headers={"Accept-Encoding": "gzip"})
        assert table.headers["content-encoding"] == "gzip" and table.headers["cache-control"].startswith("public")
        for _ in range(2):  # hits: compressed once, then served from the memo, same body every time
            again = client.get("/api/v1/leagues/eng.1/table", params={"season": "2011-12"},
                               headers={"Accept-Encoding": "gzip"})
            assert again.headers["x-cache"] == "hit" and again.headers["content-encoding"] == "gzip"
            assert again.json() == table.json()
        live = client.get("/api/v1/matches/live")
        assert live.headers["cache-control"] == "public, max-age=30"


def test_a_hit_carries_the_headers_of_a_miss(sqlite_engine: Engine, tmp_path: Path) -> None:
    """Hits are answered by the outermost layer, which adds itself what the inner ones add to a miss."""
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    settings = Settings(database_url=str(sqlite_engine.url), environment="production", secret_key="s" * 40)
    with TestClient(create_server(settings, sqlite_engine), base_url="https://testserver") as client:
        path = "/api/v1/leagues/eng.1/table?season=2011-12"
        miss = client.get(path, headers={"X-Request-ID": "probe-1"})
        hit = client.get(path, headers={"X-Request-ID": "probe-2"})
        assert (miss.headers["x-cache"], hit.headers["x-cache"]) == ("miss", "hit")
        varying = {"x-cache", "x-trace-id", "date", "content-length"}
        assert {k: v for k, v in hit.headers.items() if k not in varying} == \
            {k: v for k, v in miss.headers.items() if k not in varying}
        plain_miss = client.get("/api/v1/matches?date=2011-08-13", headers={"Accept-Encoding": "identity"})
        plain_hit = client.get("/api/v1/matches?date=2011-08-13", headers={"Accept-Encoding": "identity"})
        assert plain_hit.headers["x-cache"] == "hit" and "content-encoding" not in plain_hit.headers
        assert {k: v for k, v in plain_hit.headers.items() if k not in varying} == \
            {k: v for k, v in plain_miss.headers.items() if k not in varying}
        assert "strict-transport-security" in hit.headers  # HTTPS outside development
        assert hit.headers["x-trace-id"] == "probe-2"
        assert hit.content == miss.content
        metrics = client.get("/metrics").text
        assert 'matchday_cache_lookups_total{result="hit"} 2.0' in metrics
        assert 'matchday_http_requests_total{method="GET",route="(cache hit)",status="200"} 2.0' in metrics
        plain = client.get("http://testserver" + path)
        assert plain.headers["x-cache"] == "hit" and "strict-transport-security" not in plain.headers


def test_an_unannounced_write_is_seen_within_the_recheck_interval(sqlite_engine: Engine, tmp_path: Path,
                                                                 redis_server) -> None:  # noqa: ANN001
    """A writer that died between its commit and its announcement (or runs without Redis) is caught by each API
    process reading the log in the background every MATCHDAY_CACHE_RECHECK_S."""
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url, cache_recheck_s=0.2)
    with TestClient(create_server(settings, sqlite_engine)) as client:
        _first_match(client)
        assert _first_match(client).headers["x-cache"] == "hit"
        write_position.detach(sqlite_engine)  # from here on, writes through this engine announce nothing
        load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "5-5"))
        deadline = time.monotonic() + 10
        while _first_match(client).json()["score"]["home"] != 5:
            assert time.monotonic() < deadline, "the recheck never saw the write"
            time.sleep(0.05)


def test_concurrent_misses_after_a_write_build_the_answer_once(sqlite_engine: Engine, tmp_path: Path) -> None:
    """A live match invalidates its league's table every few seconds; the requests that arrive while one of them
    rebuilds it wait for that answer instead of each rebuilding it (and they get the corrected table)."""
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    app = create_server(Settings(database_url=str(sqlite_engine.url)), sqlite_engine)
    path = "/api/v1/leagues/eng.1/table?season=2011-12"

    async def concurrently(count: int, path: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            return await asyncio.gather(*(http.get(path) for _ in range(count)))

    with TestClient(app) as client:
        assert client.get(path).headers["x-cache"] == "miss"  # the app caches this path
        assert client.get(path).headers["x-cache"] == "hit"
        load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "3-0"))  # the write invalidates it
        answers = client.portal.call(concurrently, 12, path)
        assert sorted(r.headers["x-cache"] for r in answers) == ["hit"] * 11 + ["miss"]
        assert app.cache_hits.coalesced == 11  # they waited for the one build, then were served it
        for answer in answers:
            wolves = next(r for r in answer.json()["standings"] if r["team_name"].startswith("Wolverhampton"))
            assert answer.status_code == 200 and wolves["points"] == 22  # the corrected table, not the old one
        assert client.get("/api/v1/matches/999999").status_code == 404  # an answer the cache never holds...
        gone = client.portal.call(concurrently, 3, "/api/v1/matches/999999")
        assert [r.status_code for r in gone] == [404] * 3 and app.cache_hits.coalesced == 11  # ...is not awaited


def test_a_log_read_finishing_during_a_hits_round_trip_serves_nothing_from_before_the_write(
        sqlite_engine: Engine, tmp_path: Path, redis_server, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """With Redis a hit fetches the announced position with the entry; if this process reads the log while that
    round trip is out (its push handler did, in CI), the entry fetched before the log's tags were dropped must not
    be served as fresh: the position is compared with what the process had applied before the fetch."""
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    app = create_server(Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url), sqlite_engine)
    with TestClient(app) as client:
        assert _wolves_points(client) == 25  # Blackburn 1-2 Wolves, as published; now cached
        cache = app.state.cache

        async def held() -> None:  # this process's push handler does not read the log: the hit below does
            return None

        monkeypatch.setattr(cache.push, "_apply", held)
        fetch = cache.backend.get_with_position

        async def fetch_then_a_log_read(key: str) -> tuple[int | None, bytes | None]:
            found = await fetch(key)  # the announced position and the entry, the log's tags not yet dropped
            await cache.read_log()  # the read finishing meanwhile: tags dropped, the process's position moves
            return found

        monkeypatch.setattr(cache.backend, "get_with_position", fetch_then_a_log_read)
        load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "3-0"))  # announced through Redis
        assert _wolves_points(client) == 22  # not the 25 of the entry fetched before the log was read
