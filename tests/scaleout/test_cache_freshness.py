"""With Redis, a cache hit touches neither the database nor Redis and is still exactly fresh: a write committed
by any process is seen by every API process's next answer, even one that was frozen while the write happened, and
the writer waits for none of them. Real PostgreSQL, real Redis, two `matchday serve` processes."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import httpx
import redis

from matchday.cache import write_position
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.api.test_cache import _season_file
from tests.conftest import _fresh_postgres_url
from tests.ingest.helpers import load
from tests.redis_server import RedisServer
from tests.web.conftest import start_server

TABLE = "/api/v1/leagues/eng.1/table?season=2011-12"


def _log_reads(client: httpx.Client) -> float:
    found = re.search(r"^matchday_cache_write_log_reads_total (\S+)$", client.get("/metrics").text, re.MULTILINE)
    assert found, "the metric is exported"
    return float(found.group(1))


def _reads(server: redis.Redis) -> int:
    """Commands that read a cache entry or the announced position, so far."""
    stats = server.info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("get", "mget"))


def _wolves(client: httpx.Client) -> tuple[int, str]:
    response = client.get(TABLE)
    assert response.status_code == 200
    row = next(r for r in response.json()["standings"] if r["team_name"].startswith("Wolverhampton"))
    return row["points"], response.headers["x-cache"]


def test_hits_read_no_database_and_see_a_write_from_another_process_at_once(tmp_path: Path, postgres,  # noqa: ANN001
                                                                            own_redis: RedisServer) -> None:
    redis_server = own_redis
    url = _fresh_postgres_url(postgres)
    engine = make_engine(url)
    upgrade(engine)
    load(engine, "football-data-uk", _season_file(tmp_path))
    # a recheck interval far longer than the test: only the writers' announcements can make answers fresh
    env = {"MATCHDAY_DATABASE_URL": url, "MATCHDAY_REDIS_URL": redis_server.url, "MATCHDAY_CACHE_RECHECK_S": "3600"}
    servers: list = []
    clients: list[httpx.Client] = []
    watch = redis.Redis.from_url(redis_server.url)
    try:  # everything started is stopped and closed, even when a server fails to start
        servers.extend(start_server(tmp_path / f"unused-{n}.db", env) for n in (1, 2))
        one, two = (httpx.Client(base_url=base, timeout=10) for _process, base in servers)
        clients.extend((one, two))
        assert _wolves(one) == (25, "miss")  # Blackburn 1-2 Wolves, as published: Wolves finished on 25
        assert _wolves(two) == (25, "hit")  # one shared cache
        before = _log_reads(two)
        redis_before = _reads(watch)
        for _ in range(200):
            assert _wolves(two) == (25, "hit")
        redis_after = _reads(watch)
        assert _log_reads(two) - before == 0, "200 hits never read the write log"
        assert redis_after - redis_before <= 1, "nor Redis: the first fills the process's mirror, the rest use it"

        write_position.attach(engine, redis_server.url)  # this test process is now a writer like any other
        for score, points in (("3-0", 22), ("0-0", 23), ("1-2", 25)):
            load(engine, "football-data-uk", _season_file(tmp_path, score))  # the source corrects the score
            assert _wolves(two)[0] == points, f"after {score}, the other process's very next answer"
            assert _wolves(one)[0] == points
            assert _wolves(two) == (points, "hit")

        # a frozen API process (SIGSTOP) holds up no writer; thawed, it handles the announcement waiting on its
        # subscription before the request, and its first answer is already fresh
        frozen = servers[1][0]
        os.kill(frozen.pid, signal.SIGSTOP)
        try:
            load(engine, "football-data-uk", _season_file(tmp_path, "2-2"))
            assert _wolves(one)[0] == 23  # a draw: Wolves lose the two points of the win
        finally:
            os.kill(frozen.pid, signal.SIGCONT)
        assert _wolves(two)[0] == 23
    finally:
        write_position.detach(engine)
        for process, _base in servers:
            process.terminate()
            process.wait(timeout=30)
        for client in clients:
            client.close()
        watch.close()
        engine.dispose()
