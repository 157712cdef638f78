"""The computed table against a provider's published one, on real data: football-data.co.uk's Premier League
snapshot of 2026-02-23 against football-data.org's table, which was published before that evening's
Everton 0-1 Manchester United (football-data.co.uk has the result; football-data.org lists it as TIMED)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from matchday.errors import NotFound
from matchday.ingest.seed import seed_reference_data
from matchday.server import create_server
from matchday.services.table_check import check_table
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import DATA, FDUK, REPO
from tests.ingest.helpers import load

STANDINGS = DATA / "api-samples" / "football-data-org" / "unwrapped" / "competitions-PL-standings_season-2025.json"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('check') / 'check.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "snapshots" / "E0_2025-26_as-of-2026-02-23.csv")
    [summary] = load(engine, "football-data-org", STANDINGS)
    assert summary.status == "ok" and summary.standings_changed == 1
    return engine


def _differences(check: dict) -> dict[str, dict[str, tuple]]:
    return {d["team_name"]: {f: (v["computed"], v["published"]) for f, v in d["fields"].items()}
            for d in check["differences"]}


def test_check_finds_the_one_match_the_provider_had_not_counted(store: Engine) -> None:
    with store.connect() as conn:
        [check] = check_table(conn, "eng.1", "2025-26")
    data = check.as_dict()
    assert (data["source"], data["rows_compared"], data["agrees"]) == ("football-data-org", 20, False)
    differences = _differences(data)
    assert set(differences) == {"Everton", "Manchester United", "Chelsea"}
    assert differences["Everton"] == {"played": (27, 26), "lost": (10, 9), "goals_against": (31, 30),
                                      "goal_difference": (-2, -1)}
    assert differences["Manchester United"]["points"] == (48, 45)
    assert differences["Manchester United"]["position"] == (4, 5)
    assert differences["Chelsea"] == {"position": (5, 4)}


def test_check_of_a_provider_without_a_table_is_not_found(store: Engine) -> None:
    with store.connect() as conn, pytest.raises(NotFound):
        check_table(conn, "eng.1", "2025-26", source="api-football")


def test_api_compare_provider(store: Engine, tmp_path: Path) -> None:
    with TestClient(create_server(Settings(database_url=str(store.url)), store)) as client:
        plain = client.get("/api/v1/leagues/eng.1/table", params={"season": "2025-26"})
        compared = client.get("/api/v1/leagues/eng.1/table", params={"season": "2025-26", "compare": "provider"})
        bad = client.get("/api/v1/leagues/eng.1/table", params={"compare": "other"})
    assert plain.status_code == 200 and plain.json()["comparison"] is None
    assert compared.status_code == 200
    [check] = compared.json()["comparison"]
    assert check["agrees"] is False and set(_differences(check)) == {"Everton", "Manchester United", "Chelsea"}
    assert compared.json()["standings"] == plain.json()["standings"]
    assert bad.status_code == 422 and set(bad.json()) >= {"detail", "error_code", "trace_id"}


def test_cli_table_check(store: Engine) -> None:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": str(store.url)}
    result = subprocess.run([sys.executable, "-m", "matchday.cli", "table", "eng.1", "2025-26", "--check", "--json"],
                            capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120)
    assert result.returncode == 1, result.stderr  # they disagree
    [check] = json.loads(result.stdout)
    assert _differences(check)["Everton"]["played"] == (27, 26)
