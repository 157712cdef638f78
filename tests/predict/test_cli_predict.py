"""`matchday predict` as a user runs it: a real process on a real store of real seasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from tests.conftest import FDUK
from tests.ingest.helpers import load
from tests.test_cli import matchday


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Premier League 2023-24 and 2024-25 (football-data.co.uk), and a generated season still being played."""
    folder = tmp_path_factory.mktemp("predict-cli")
    engine = make_engine(f"sqlite:///{folder / 'cli.db'}")
    upgrade(engine)
    seed_reference_data(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2023-24.csv", FDUK / "E0" / "2024-25.csv")
    now = datetime.now(UTC).replace(tzinfo=None)
    start = now.year if now.month >= 5 else now.year - 1  # a season (August to May) with matches still to play
    load(engine, "simulator", teams="20", seed="5", season=f"{start}-{str(start + 1)[2:]}",
         played_until=now.isoformat())
    engine.dispose()
    return folder


def test_backtest_json_is_one_walk_forward_row_per_match(store: Path) -> None:
    result = matchday(store, "predict", "backtest", "eng.1", "--season", "2024-25", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    fixtures = {f["id"]: f for f in json.loads(matchday(store, "fixtures", "eng.1", "2024-25", "--json").stdout)}
    assert len(rows) == 380 and {r["match_id"] for r in rows} == set(fixtures)
    for row in rows:
        stored = fixtures[row["match_id"]]
        assert (row["home"], row["away"]) == (stored["home"], stored["away"])
        assert datetime.fromisoformat(row["kickoff_utc"]) == datetime.fromisoformat(stored["kickoff_utc"])
        assert abs(row["p_home"] + row["p_draw"] + row["p_away"] - 1.0) < 1e-9
        assert min(row["p_home"], row["p_draw"], row["p_away"]) > 0.0
    opening = next(r for r in rows if r["home"] == "Manchester United" and r["away"] == "Fulham")
    assert opening["kickoff_utc"] == "2024-08-16T19:00:00"
    assert opening["p_home"] > opening["p_away"]  # United at home to Fulham, the season's first match


def test_backtest_table_and_calibration_plot(store: Path, tmp_path: Path) -> None:
    plot = tmp_path / "calibration.svg"
    result = matchday(store, "predict", "backtest", "E0", "--season", "2024-25", "--model", "elo", "--plot",
                      str(plot))
    assert result.returncode == 0, result.stderr
    assert "market-closing" in result.stdout and "base-rates" in result.stdout and "elo" in result.stdout
    svg = plot.read_text()
    assert svg.startswith("<svg") and svg.count("<circle") >= 10
    unknown = matchday(store, "predict", "backtest", "eng.1", "--season", "2024-25", "--model", "oracle")
    assert unknown.returncode == 2 and "unknown model 'oracle'" in unknown.stderr


def test_simulate_from_the_last_day_reproduces_the_final_table(store: Path) -> None:
    result = matchday(store, "predict", "simulate", "eng.1", "2024-25", "--as-of", "2025-05-25", "--runs", "500",
                      "--json")
    assert result.returncode == 0, result.stderr
    sim = json.loads(result.stdout)
    table = json.loads(matchday(store, "table", "eng.1", "2024-25", "--json").stdout)
    assert sim["matches_remaining"] == 0 and sim["matches_played"] == 380
    final = {t["team_name"]: t["positions"].index(1.0) + 1 for t in sim["teams"]}
    assert final == {r["team_name"]: r["position"] for r in table}
    assert final["Liverpool"] == 1  # champions 2024-25
    assert {t for t, p in final.items() if p >= 18} == {"Leicester City", "Ipswich Town", "Southampton"}


def test_simulate_mid_season(store: Path) -> None:
    result = matchday(store, "predict", "simulate", "eng.1", "2024-25", "--as-of", "2025-03-01", "--runs", "2000",
                      "--json")
    sim = json.loads(result.stdout)
    assert sim["matches_remaining"] > 80
    by_team = {t["team_name"]: t for t in sim["teams"]}
    for team in sim["teams"]:
        assert abs(sum(team["positions"]) - 1.0) < 1e-9
    assert abs(sum(t["p_title"] for t in sim["teams"]) - 1.0) < 1e-9
    assert abs(sum(t["p_relegation"] for t in sim["teams"]) - 3.0) < 1e-9
    assert by_team["Liverpool"]["p_title"] > 0.8  # 13 points clear on 1 March 2025
    assert by_team["Southampton"]["p_relegation"] > 0.95


def test_predict_coming_matches(store: Path) -> None:
    result = matchday(store, "predict", "sim.1", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows, "the generated season has matches still to play"
    for row in rows:
        assert abs(row["p_home"] + row["p_draw"] + row["p_away"] - 1.0) < 1e-9
        assert row["home_xg"] > 0 and row["away_xg"] > 0 and 0 < row["p_over_2_5"] < 1 and 0 < row["p_btts"] < 1
        assert len(row["likely_scores"]) == 5 and row["likely_scores"][0]["p"] >= row["likely_scores"][1]["p"]
    first_day = rows[0]["kickoff_utc"][:10]
    on_day = json.loads(matchday(store, "predict", "sim.1", "--date", first_day, "--json").stdout)
    assert on_day and all(r["kickoff_utc"].startswith(first_day) for r in on_day)
    table = matchday(store, "predict", "sim.1")
    assert table.returncode == 0 and "predictions sim.1 (combined)" in table.stdout
