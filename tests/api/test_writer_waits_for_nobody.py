"""A writer waits for no API process (DESIGN §13): after its commit it sets the announced position and publishes
it, and asks Redis nothing about readers (the old design polled every API process's acknowledgement for up to
10 s). An API process applies the announcement when it arrives, so its next answer is fresh. Real Redis."""

from __future__ import annotations

from pathlib import Path

import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.cache import write_position
from matchday.server import create_server
from matchday.settings import Settings
from matchday.store.engine import make_engine
from tests.api.test_cache import _first_match, _season_file
from tests.ingest.helpers import load

READER_COMMANDS = ("zrange", "zrangebyscore", "zremrangebyscore", "zscore", "hgetall", "time")  # the old registry's


def _calls(client: redis.Redis) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): stats["calls"] for name, stats in client.info("commandstats").items()}


def test_a_writer_announces_and_returns(sqlite_engine: Engine, tmp_path: Path, own_redis) -> None:  # noqa: ANN001
    load(sqlite_engine, "football-data-uk", _season_file(tmp_path))
    watch = redis.Redis.from_url(own_redis.url)
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=own_redis.url)
    writer = make_engine(str(sqlite_engine.url))  # another writer of the same store (the CLI, a worker)
    try:
        with TestClient(create_server(settings, sqlite_engine)) as client:
            assert _first_match(client).json()["score"]["home"] == 1
            write_position.attach(writer, own_redis.url)
            before = _calls(watch)
            load(writer, "football-data-uk", _season_file(tmp_path, "3-0"))
            after = _calls(watch)
            assert after.get("publish", 0) - before.get("publish", 0) == 1, "one announcement"
            asked = {name: after.get(name, 0) - before.get(name, 0) for name in READER_COMMANDS}
            assert not any(asked.values()), f"the writer asked about readers: {asked}"
            assert _first_match(client).json()["score"]["home"] == 3, "the reader applied it"
    finally:
        write_position.detach(writer)
        writer.dispose()
        watch.close()
