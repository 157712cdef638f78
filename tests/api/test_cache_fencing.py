"""A writer waits for every live API process to apply its write, but not forever: one that does not answer in
time is fenced (dropped from the registry), and a fenced process notices at its next heartbeat, distrusts its
mirror, reads the log again and registers anew. Real Redis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.server import create_server
from matchday.settings import Settings
from matchday.store import write_position
from tests.api.test_cache import _first_match, _season_file
from tests.ingest.helpers import load


def _until(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_silent_process_is_fenced_and_a_fenced_one_comes_back(sqlite_engine: Engine, tmp_path: Path,
                                                                redis_server,  # noqa: ANN001
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write_position, "WAIT_S", 0.5)
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    registry = redis.Redis.from_url(redis_server.url)
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url)
    try:
        with TestClient(create_server(settings, sqlite_engine)) as client:
            me = client.app.state.cache.push.id
            _until(lambda: registry.zscore(write_position.READERS, me) is not None, "registered")
            # a process that is alive (registered) but never applies anything: it must not hold writes forever
            registry.zadd(write_position.READERS, {"silent": time.time() + 3600})
            load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "3-0"))
            assert registry.zscore(write_position.READERS, "silent") is None, "fenced by the writer"
            assert registry.zscore(write_position.READERS, me) is not None, "this process applied it in time"
            assert _first_match(client).json()["score"]["home"] == 3

            registry.zrem(write_position.READERS, me)  # as a writer that gave up on this process would
            _until(lambda: registry.zscore(write_position.READERS, me) is not None, "registered again")
            load(sqlite_engine, "football-data-uk", _season_file(tmp_path, "0-0"))
            assert _first_match(client).json()["score"]["home"] == 0
    finally:
        registry.delete(write_position.READERS, write_position.APPLIED)
        registry.close()
