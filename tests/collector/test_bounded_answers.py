"""Provider answers are bounded (issue 17, item 7): a huge body is refused once past the provider's byte cap
(never read whole), a body dripping bytes is cut off at the exchange deadline, and a job whose process was killed
mid-run (``kill -9``) is released at the next start instead of being refused as busy for the whole lease."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from matchday.errors import FetchError
from matchday.store.engine import make_engine
from matchday.store.schema import job_runs
from tests.collector.conftest import APIF, write_jobs
from tests.collector.fake_provider import Reply
from tests.collector.test_runner import STANDINGS_JOB
from tests.conftest import REPO


class _Hostile:
    """A provider that streams a body of ``total`` bytes in ``chunk``-byte writes, ``pause_s`` apart, counting
    what it managed to send before the client hung up."""

    def __init__(self, total: int, chunk: int, pause_s: float = 0.0) -> None:
        self.sent = 0
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server hook
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()  # no Content-Length: read until the connection closes
                try:
                    while hostile.sent < total:
                        self.wfile.write(b" " * chunk)
                        hostile.sent += chunk
                        if pause_s:
                            time.sleep(pause_s)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile_factory() -> Iterator:
    made: list[_Hostile] = []

    def make(**kwargs) -> _Hostile:  # noqa: ANN003
        made.append(_Hostile(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.stop()


def test_a_huge_answer_is_refused_past_the_cap_not_read_whole(make_collector, hostile_factory) -> None:
    huge = hostile_factory(total=60_000_000, chunk=65_536)
    collector = make_collector(api_football_base_url=huge.url, provider_max_bytes={"*": 1_000_000})
    with pytest.raises(FetchError, match="1,000,000-byte cap"):
        collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert huge.sent < 20_000_000  # the client hung up a little past the cap (socket buffers), not at 60 MB


def test_a_per_provider_cap_overrides_the_default(make_collector, fake) -> None:
    fake.script("/standings", Reply.file(APIF / "standings_league-39_season-2022.json"))
    collector = make_collector(provider_max_bytes={"*": 100, "api-football": 10_000_000})
    assert collector.client.request("api-football", "standings", {"league": 39, "season": 2022}).status == 200
    assert collector.client.max_bytes("espn") == 100


def test_a_dripping_answer_is_cut_off_at_the_exchange_deadline(make_collector, hostile_factory) -> None:
    drip = hostile_factory(total=400, chunk=1, pause_s=0.05)  # 20 s for the whole body
    collector = make_collector(api_football_base_url=drip.url, provider_deadline_s=0.5, http_timeout_s=5.0,
                               http_retries=1)
    with pytest.raises(FetchError, match="timeout"):
        collector.client.request("api-football", "standings", {"league": 39, "season": 2022})
    assert drip.sent < 400  # cut off before the drip ended


def test_a_job_killed_mid_run_is_released_at_the_next_start(tmp_path: Path, fake) -> None:  # noqa: ANN001
    jobs = tmp_path / "jobs"
    write_jobs(jobs, [STANDINGS_JOB])
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'matchday.db'}",
           "MATCHDAY_JOBS_DIR": str(jobs), "MATCHDAY_API_FOOTBALL_BASE_URL": fake.url,
           "MATCHDAY_API_FOOTBALL_KEY": "secret-test-key", "MATCHDAY_HTTP_TIMEOUT_S": "120"}
    env.pop("MATCHDAY_REDIS_URL", None)
    fake.script("/standings", Reply(stall_s=30.0), Reply.file(APIF / "standings_league-39_season-2022.json"))
    command = [sys.executable, "-m", "matchday.cli", "jobs", "run", "pl-standings", "--json"]
    first = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while fake.requests_to("/standings") == 0:  # the job holds its lease and waits on the provider
            assert first.poll() is None and time.monotonic() < deadline, first.stderr.read().decode()
            time.sleep(0.1)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(timeout=20)
        first.stdout.close()
        first.stderr.close()
    second = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 0 and '"status": "ok"' in second.stdout, second.stdout + second.stderr
    engine = make_engine(env["MATCHDAY_DATABASE_URL"])
    with engine.connect() as conn:
        runs = conn.execute(select(job_runs.c.status, job_runs.c.error).order_by(job_runs.c.id)).all()
    engine.dispose()
    assert [r.status for r in runs] == ["interrupted", "ok"]
    assert f"process {first.pid}" in runs[0].error
