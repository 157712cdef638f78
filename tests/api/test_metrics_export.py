"""/metrics exports what the dashboard (deploy/grafana/matchday.json) charts: WebSocket clients, job runs by
status, the Celery queue's depth, cache write-log reads, and sums over processes under `serve --workers`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from contextlib import ExitStack, suppress
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


def _children(parent: int) -> set[int]:
    """The worker processes of a `serve --workers` parent (not multiprocessing's resource tracker)."""
    found = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True, check=False).stdout.split()
    workers = set()
    for pid in map(int, found):
        with suppress(OSError):
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.add(pid)
    return workers


def _clients_of(folder: Path, pid: int) -> float:
    """The WebSocket clients one worker process counts, from its own file in PROMETHEUS_MULTIPROC_DIR."""
    from prometheus_client.mmap_dict import MmapedDict

    path = folder / f"gauge_livesum_{pid}.db"
    if not path.exists():
        return 0.0
    return sum(value for key, value, *_rest in MmapedDict.read_all_values_from_file(str(path))
               if "matchday_websocket_clients" in key)


def _is_open(ws) -> bool:  # noqa: ANN001
    try:
        ws.ping().wait(timeout=5)
        return True
    except Exception:  # noqa: BLE001 - closed, reset or gone: not a client any more
        return False


def test_a_dead_worker_process_leaves_no_clients_behind(tmp_path: Path, redis_server) -> None:  # noqa: ANN001
    """uvicorn replaces a worker that died; the WebSocket clients it held leave the count with it."""
    from websockets.sync.client import connect

    counts = tmp_path / "metrics"  # given: the test reads which process holds the clients
    process, base = start_server(tmp_path / "d.db", {"MATCHDAY_REDIS_URL": redis_server.url,
                                                     "PROMETHEUS_MULTIPROC_DIR": str(counts)}, "serve", "--workers",
                                 "2")
    stack = ExitStack()
    try:
        sockets = []
        for _ in range(8):
            ws = stack.enter_context(connect(base.replace("http", "ws") + "/ws"))
            assert _is_open(ws)
            sockets.append(ws)
        clients = 'matchday_websocket_clients'
        assert _value(httpx.get(base + "/metrics", timeout=10).text, clients) == 8
        workers = _children(process.pid)
        assert len(workers) == 2
        victim = max(workers, key=lambda pid: _clients_of(counts, pid))  # one that holds clients
        held = _clients_of(counts, victim)
        assert held > 0
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while len(_children(process.pid) - {victim}) < 2:  # the supervisor started a replacement
            assert time.monotonic() < deadline, "no replacement worker"
            time.sleep(0.2)
        open_sockets = sum(_is_open(ws) for ws in sockets)
        assert open_sockets == 8 - held
        deadline = time.monotonic() + 30
        while _value(httpx.get(base + "/metrics", timeout=10).text, clients) != open_sockets:
            assert time.monotonic() < deadline, "the dead process's clients are still counted"
            time.sleep(0.2)
    finally:
        with suppress(Exception):
            stack.close()
        process.terminate()
        process.wait(timeout=30)
