"""kill -9 in the middle of a load: the store stays consistent and a re-run completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DATA, REPO

FILES = ["germany.csv.gz", "italy.csv.gz", "spain.csv.gz", "france.csv.gz", "holland.csv.gz"]
TOTAL = 38918 + 28824 + 27335 + 29558 + 20776


def _load(db: Path) -> subprocess.Popen:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{db}"}
    paths = [str(DATA / "engsoccerdata" / "data-raw" / name) for name in FILES]
    return subprocess.Popen([sys.executable, "-m", "matchday.cli", "load", "engsoccerdata", *paths, "--json"],
                            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _ok_runs(db: Path) -> list[tuple[str, int]]:
    try:
        with sqlite3.connect(db, timeout=0.2) as conn:
            return conn.execute("SELECT location, matches_new FROM load_runs WHERE status = 'ok' AND source = "
                                "'engsoccerdata'").fetchall()
    except sqlite3.OperationalError:
        return []


def test_kill_mid_load_then_rerun(tmp_path: Path) -> None:
    db = tmp_path / "interrupted.db"
    process = _load(db)
    deadline = time.monotonic() + 120
    while len(_ok_runs(db)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    completed = _ok_runs(db)
    assert 2 <= len(completed) < len(FILES), "the kill should land while files are still loading"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = conn.execute("SELECT count(*) FROM matches").fetchone()[0]
    assert stored == sum(new for _location, new in completed)  # whole files only, nothing half-written

    rerun = _load(db)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM matches").fetchone()[0] == TOTAL
    again = _load(db)
    again.communicate(timeout=300)
    with sqlite3.connect(db) as conn:
        last = conn.execute("SELECT sum(matches_new), sum(matches_changed) FROM load_runs WHERE id > "
                            "(SELECT max(id) - 5 FROM load_runs)").fetchone()
    assert last == (0, 0)
