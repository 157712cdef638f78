"""Commands that used to surprise a newcomer (issue 19 §5), run as a user runs them: a real process, a real store
of real seasons, a terminal of 80 columns."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches, teams
from tests.conftest import DATA, FDUK, REPO
from tests.ingest.helpers import load


def run(folder: Path, *args: str, stdin: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}",
           "MATCHDAY_CACHE_DIR": str(folder / "cache"), "COLUMNS": "80",
           "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
    return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, input=stdin if stdin is not None else "", check=False, timeout=300)


@pytest.fixture(scope="module")
def premier_league(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Premier League 2024-25 from two sources (football-data.co.uk's short names, openfootball's long ones)."""
    folder = tmp_path_factory.mktemp("surprises")
    engine = make_engine(f"sqlite:///{folder / 'cli.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2024-25.csv")
    load(engine, "openfootball", DATA / "openfootball-football.json" / "2024-25" / "en.1.json")
    engine.dispose()
    return folder


def _count(folder: Path, table) -> int:  # noqa: ANN001 - a SQLAlchemy table
    engine = make_engine(f"sqlite:///{folder / 'cli.db'}")
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return value


def test_the_table_fits_80_columns_with_short_names_never_cut(premier_league: Path) -> None:
    result = run(premier_league, "table", "eng.1", "2024-25")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    rows = [line for line in lines if re.match(r"^\s*\d{1,2} [A-Z]", line)]
    assert len(rows) == 20
    for name in ("Man City", "Man United", "Nott'm Forest", "Crystal Palace", "Southampton"):
        assert sum(name in line for line in rows) == 1, name  # whole, on its row
    assert "Manchester" not in result.stdout  # the short name, not the long one
    assert rows[0].split()[-3:-1] == ["84", "WLDLD"] and "relegation" in rows[-1]  # nothing cut after the name
    fixtures = run(premier_league, "fixtures", "eng.1", "2024-25", "--team", "Man City")
    assert max(map(len, fixtures.stdout.splitlines())) <= 80
    assert sum("Man City" in line for line in fixtures.stdout.splitlines()) == 38
    positions = run(premier_league, "positions", "eng.1", "2024-25").stdout
    assert max(map(len, positions.splitlines())) <= 80 and "…" not in positions and "Nott'm Forest" in positions


def test_merging_two_clubs_is_refused_and_a_split_is_merged_after_asking(premier_league: Path) -> None:
    before = _count(premier_league, teams)
    refused = run(premier_league, "teams", "merge", "Brentford", "Arsenal", "--yes")
    assert refused.returncode == 2
    assert "are two clubs" in refused.stderr and "2024-" in refused.stderr and "--force" in refused.stderr
    for shown in ("Brentford", "Arsenal", "England", "Premier League", "2024-25", "38"):
        assert shown in refused.stdout, shown  # both teams laid out before anything is decided
    assert _count(premier_league, teams) == before
    # a wrong split (Brentford's away matches under a stray name) is what merging is for: it asks first
    engine = make_engine(f"sqlite:///{premier_league / 'cli.db'}")
    with engine.begin() as conn:
        brentford = conn.execute(select(teams.c.id).where(teams.c.name == "Brentford")).scalar_one()
        stray = conn.execute(teams.insert().returning(teams.c.id), {"name": "Brentford B", "country": "England"})
        stray_id = stray.scalar_one()
        conn.execute(matches.update().where(matches.c.away_team_id == brentford).values(away_team_id=stray_id))
    engine.dispose()
    declined = run(premier_league, "teams", "merge", "Brentford", str(stray_id), stdin="n\n")
    assert declined.returncode == 1 and "nothing merged" in declined.stderr
    assert "Merge Brentford B" in declined.stderr and _count(premier_league, teams) == before + 1
    merged = run(premier_league, "teams", "merge", "Brentford", str(stray_id), stdin="y\n")
    assert merged.returncode == 0, merged.stderr
    assert "19 matches moved" in merged.stdout and _count(premier_league, teams) == before


def test_merge_force_and_yes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2011-12.csv")
    engine.dispose()
    before = _count(tmp_path, teams)
    forced = run(tmp_path, "teams", "merge", "Chelsea", "Fulham", "--force", "--yes", "--json")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout).keys() >= {"kept", "removed", "matches_moved", "matches_merged"}
    assert "Merge" not in forced.stderr and _count(tmp_path, teams) == before - 1  # --yes: no question


def test_simulate_refuses_a_season_whose_fixtures_are_missing(tmp_path: Path) -> None:
    # the store holds 271 of the season's 380 matches (the fixture list for the rest was never loaded)
    csv = (FDUK / "E0" / "2024-25.csv").read_text(encoding="utf-8-sig").splitlines()
    partial = tmp_path / "E0-partial.csv"
    partial.write_text("\n".join(csv[:272]) + "\n", encoding="utf-8")
    assert run(tmp_path, "load", "football-data-uk", str(partial)).returncode == 0
    result = run(tmp_path, "predict", "simulate", "eng.1", "2024-25", "--runs", "500")
    assert result.returncode == 2
    assert "holds 271 matches and lacks 109 fixtures" in result.stderr, result.stderr
    assert " v " in result.stderr and "fixture list" in result.stderr
    assert "100.0%" not in result.stdout


def test_reparse_failed_says_when_there_is_nothing_to_do(tmp_path: Path) -> None:
    result = run(tmp_path, "reparse", "--failed")
    assert result.returncode == 0, result.stderr
    assert "no archived response failed to parse: nothing to reparse" in result.stdout
    scoped = run(tmp_path, "reparse", "--failed", "--provider", "api-football")
    assert "from api-football" in scoped.stdout


def test_backtest_writes_its_plot_only_where_plot_says(tmp_path: Path) -> None:
    assert run(tmp_path, "load", "football-data-uk", str(FDUK / "E0" / "2023-24.csv"),
               str(FDUK / "E0" / "2024-25.csv")).returncode == 0
    work = tmp_path / "cwd"
    work.mkdir()
    plain = run(tmp_path, "predict", "backtest", "eng.1", "--season", "2024-25", "--model", "elo", cwd=work)
    assert plain.returncode == 0, plain.stderr
    assert "RPS" in plain.stdout and list(work.iterdir()) == [] and "calibration plot" not in plain.stderr
    plot = tmp_path / "plots" / "calibration.svg"
    plot.parent.mkdir()
    asked = run(tmp_path, "predict", "backtest", "eng.1", "--season", "2024-25", "--model", "elo", "--plot",
                str(plot), cwd=work)
    assert asked.returncode == 0 and plot.read_text().startswith("<svg") and list(work.iterdir()) == []
