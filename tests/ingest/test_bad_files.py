"""Damaged and hostile inputs through the real pipeline and CLI: a clear message, never a traceback or a hang."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from matchday.store.schema import load_runs, matches, quarantined_rows
from tests.conftest import DATA, REPO
from tests.ingest.helpers import load

REGRESSIONS = Path(__file__).resolve().parent.parent / "regressions"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "MATCHDAY_CACHE_DIR": str(tmp_path / "cache"), **extra}


def matchday(tmp_path: Path, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True,
                          env=_env(tmp_path, **env), cwd=REPO, check=False, timeout=timeout)


def test_a_20_digit_score_loads_the_rest_of_the_file(sqlite_engine: Engine) -> None:
    [summary] = load(sqlite_engine, "football-data-uk", REGRESSIONS / "score_20_digits" / "E0-2011-12.csv")
    assert (summary.status, summary.new, summary.quarantined) == ("ok", 4, 1)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 4
        [(line, field)] = conn.execute(select(quarantined_rows.c.line, quarantined_rows.c.field)).all()
    assert (line, field) == (4, "FTHG")


def test_openfootball_wrong_types_load_the_good_matches(sqlite_engine: Engine) -> None:
    [summary] = load(sqlite_engine, "openfootball", REGRESSIONS / "openfootball_wrong_types" / "2024-25" / "en.1.json")
    assert (summary.status, summary.new, summary.quarantined) == ("ok", 2, 6)
    [failed] = load(sqlite_engine, "openfootball",
                    REGRESSIONS / "openfootball_matches_not_a_list" / "2024-25" / "en.1.json")
    assert failed.status == "failed" and "'matches' must be a list" in failed.error


@pytest.fixture(scope="module")
def gzip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MB of newlines in a ~200 kB gzip file (the probe used 1 GB; the cap below makes 200 MB enough)."""
    path = tmp_path_factory.mktemp("bomb") / "E0.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n")
        block = b"\n" * (1 << 20)
        for _ in range(200):
            out.write(block)
    return path


def test_hostile_paths_are_refused_with_a_message(tmp_path: Path, gzip_bomb: Path) -> None:
    fifo = tmp_path / "E0.csv"
    os.mkfifo(fifo)
    cases = {
        str(gzip_bomb): "larger than 50,000,000 bytes (MATCHDAY_MAX_INPUT_BYTES)",
        "/dev/zero": "a character device, not a regular file",
        str(fifo): "a FIFO (named pipe), not a regular file",
    }
    for path, message in cases.items():
        result = matchday(tmp_path, "load", "football-data-uk", path, timeout=60, MATCHDAY_MAX_INPUT_BYTES="50000000")
        assert result.returncode == 1, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_load_killed_with_kill_9_is_marked_interrupted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert matchday(tmp_path, "init").returncode == 0
    loading = subprocess.Popen([sys.executable, "-m", "matchday.cli", "load", "engsoccerdata",
                                str(DATA / "engsoccerdata" / "data-raw")], env=_env(tmp_path), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until a run is open (each file's run commits at its start)
            with engine.connect() as conn:
                if conn.execute(select(load_runs.c.id).where(load_runs.c.status == "running")).first():
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the load never started a run")
        loading.send_signal(signal.SIGKILL)
        loading.wait(timeout=30)
        status = matchday(tmp_path, "status", "--json")
        runs = json.loads(status.stdout)["recent_load_runs"]
        assert runs[0]["status"] == "interrupted", runs[0]
        assert f"process {loading.pid}" in runs[0]["error"]
        assert not [r for r in runs if r["status"] == "running"]
        assert "interrupted" in matchday(tmp_path, "status").stdout
    finally:
        if loading.poll() is None:
            loading.kill()
        engine.dispose()
