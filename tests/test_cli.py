"""The CLI as a user runs it: a real process, a real database file, JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FDUK, REPO


def matchday(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "MATCHDAY_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=False, timeout=300)


def test_load_table_status_json(tmp_path: Path) -> None:
    loaded = matchday(tmp_path, "load", "football-data-uk", str(FDUK / "E0" / "2011-12.csv"), "--json")
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)[0]["new"] == 380
    table = matchday(tmp_path, "table", "eng.1", "2011-12", "--json")
    rows = json.loads(table.stdout)
    assert [rows[0][k] for k in ("position", "team_name", "played", "points", "goal_difference", "decided_by")] == [
        1, "Manchester City", 38, 89, 64, "goal_difference"]
    assert {"won", "drawn", "lost", "goals_for", "goals_against", "form"} <= rows[0].keys()
    home = json.loads(matchday(tmp_path, "table", "E0", "2011-12", "--venue", "home", "--json").stdout)
    assert home[0]["played"] == 19
    by_round = json.loads(matchday(tmp_path, "table", "E0", "2011-12", "--round", "1", "--json").stdout)
    # football-data.co.uk has no round numbers: round N is each match's later game number of its two teams
    assert max(r["played"] for r in by_round) == 1 and sum(r["played"] for r in by_round) >= 16
    status = json.loads(matchday(tmp_path, "status", "--json").stdout)
    from matchday.ingest.seed import packaged_deductions

    # eng.1, plus the competitions the packaged deduction ledger names (they hold no matches)
    assert status["matches"] == 380
    assert status["competitions"] == len({d.competition_code for d in packaged_deductions()} | {"eng.1"})
    assert status["recent_load_runs"][0]["status"] == "ok"
    again = matchday(tmp_path, "load", "football-data-uk", str(FDUK / "E0" / "2011-12.csv"), "--json")
    assert json.loads(again.stdout)[0]["unchanged"] == 380


def test_unknown_league_is_a_clear_error(tmp_path: Path) -> None:
    result = matchday(tmp_path, "table", "xyz.9", "2011-12")
    assert result.returncode == 2 and "no league 'xyz.9'" in result.stderr


def test_simulator_season_through_the_cli(tmp_path: Path) -> None:
    assert matchday(tmp_path, "load", "simulator", "--teams", "8", "--seed", "7").returncode == 0
    rows = json.loads(matchday(tmp_path, "table", "sim.1", "2025-26", "--json").stdout)
    assert len(rows) == 8 and all(r["played"] == 14 for r in rows)
    fixtures = json.loads(matchday(tmp_path, "fixtures", "sim.1", "2025-26", "--json").stdout)
    assert len(fixtures) == 8 * 7


@pytest.mark.parametrize(("module", "heavy"), [
    # every command pays for what ``matchday`` imports at start: the frame library, numerics, the HTTP client, the
    # migration tool, the PostgreSQL driver and the email validator are loaded by the commands that use them
    ("matchday.cli", ("polars", "numpy", "httpx", "alembic", "psycopg", "email_validator", "uvicorn", "starlette")),
    # a server without collector jobs needs neither the provider client nor the load pipeline: the HTTP client,
    # the circuit breaker (and the Redis client it brings), the frame library and the PostgreSQL driver (a
    # quarter of a second of every server start) come with ``start_collector`` when there are jobs; numerics
    # (numpy) with the first prediction
    ("matchday.server", ("matchday.ingest.collector", "matchday.ingest.pipeline", "httpx", "pybreaker", "polars",
                         "psycopg", "numpy")),
])
def test_starting_imports_no_library_only_some_uses_need(module: str, heavy: tuple[str, ...]) -> None:
    probe = f"import sys, {module}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
