"""`matchday serve --workers N`: several API processes on one port, sharing Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import REPO
from tests.web.conftest import start_server


def test_workers_need_redis(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("MATCHDAY_REDIS_URL", "REDIS_URL")}
    result = subprocess.run([sys.executable, "-m", "matchday.cli", "serve", "--workers", "2"], capture_output=True,
                            text=True, env={**env, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"},
                            cwd=REPO, timeout=60, check=False)
    assert result.returncode == 2 and "MATCHDAY_REDIS_URL" in result.stderr and "Traceback" not in result.stderr


def test_two_processes_answer_on_one_port(tmp_path: Path, redis_server) -> None:  # noqa: ANN001 - fixture
    process, base = start_server(tmp_path / "w.db", {"MATCHDAY_REDIS_URL": redis_server.url}, "serve", "--workers",
                                 "2")
    try:
        pids = {int(line) for line in subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                                     text=True, check=False).stdout.split()}
        assert len(pids) >= 2, "uvicorn should run two worker processes"
        with httpx.Client(base_url=base, timeout=10) as client:
            answers = [client.get("/api/v1/leagues") for _ in range(20)]
        assert {r.status_code for r in answers} == {200}
    finally:
        process.terminate()
        process.wait(timeout=30)
