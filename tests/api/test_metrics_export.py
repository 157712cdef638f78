"""/metrics exports what the dashboard (deploy/grafana/matchday.json) charts: WebSocket clients, job runs by
status, the Celery queue's depth, cache write-log reads, and sums over processes under `serve --workers`."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import redis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.server import create_server
from matchday.settings import Settings
from matchday.store import jobs
from matchday.workers.queue import QUEUE
from tests.conftest import REPO
from tests.web.conftest import start_server


def _value(text: str, sample: str) -> float | None:
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def test_websocket_clients_job_runs_and_queue_depth(sqlite_engine: Engine, redis_server) -> None:  # noqa: ANN001
    run_id, started = jobs.start(sqlite_engine, "pl-fixtures", job_type="incremental_daily")
    jobs.finish(sqlite_engine, run_id, started, "ok", items=3)
    run_id, started = jobs.start(sqlite_engine, "pl-fixtures")
    jobs.finish(sqlite_engine, run_id, started, "failed", error="HTTP 500")
    queue = redis.Redis.from_url(redis_server.url)
    queue.delete(QUEUE)
    queue.rpush(QUEUE, b"task-1", b"task-2", b"task-3")  # what Celery's Redis transport keeps per queue
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url)
    try:
        with TestClient(create_server(settings, sqlite_engine)) as client:
            with client.websocket_connect("/ws"), client.websocket_connect("/ws"):
                text = client.get("/metrics").text
                assert _value(text, "matchday_websocket_clients") == 2
            assert _value(client.get("/metrics").text, "matchday_websocket_clients") == 0
            assert _value(text, 'matchday_job_runs_total{job="pl-fixtures",status="ok"}') == 1
            assert _value(text, 'matchday_job_runs_total{job="pl-fixtures",status="failed"}') == 1
            assert _value(text, f'matchday_queue_depth{{queue="{QUEUE}"}}') == 3
            assert _value(text, "matchday_cache_write_log_reads_total") is not None
    finally:
        queue.delete(QUEUE)
        queue.close()


def _league_requests(text: str) -> float:
    """Requests for /api/v1/leagues: the miss under its route, the hits under the cache's label."""
    return sum(float(value) for route, value in re.findall(
        r'^matchday_http_requests_total\{method="GET",route="([^"]+)",status="200"\} (\S+)$', text, re.MULTILINE)
        if route in ("/leagues", "(cache hit)"))


def test_several_processes_answer_one_sum(tmp_path: Path, redis_server) -> None:  # noqa: ANN001
    process, base = start_server(tmp_path / "m.db", {"MATCHDAY_REDIS_URL": redis_server.url}, "serve", "--workers",
                                 "2")
    try:
        for _ in range(30):  # a new connection each: spread over both processes
            assert httpx.get(base + "/api/v1/leagues", timeout=10).status_code == 200
        scrapes = {_league_requests(httpx.get(base + "/metrics", timeout=10).text) for _ in range(6)}
        assert scrapes == {30}, "whichever process answers the scrape, the count is the sum over both"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_every_metric_the_dashboard_charts_is_exported(sqlite_engine: Engine, redis_server) -> None:  # noqa: ANN001
    dashboard = (REPO / "deploy" / "grafana" / "matchday.json").read_text()
    charted = {re.sub(r"_(bucket|count|sum)$", "", name) for name in re.findall(r"matchday_\w+", dashboard)}
    settings = Settings(database_url=str(sqlite_engine.url), redis_url=redis_server.url)
    with TestClient(create_server(settings, sqlite_engine)) as client:
        exported = set(re.findall(r"^# TYPE (matchday_\w+)", client.get("/metrics").text, re.MULTILINE))
    exported |= {name.removesuffix("_total") for name in exported}
    only_with_collector = {"matchday_quota_remaining", "matchday_breaker_state"}  # a configured collector's
    assert charted - exported - only_with_collector == set()
