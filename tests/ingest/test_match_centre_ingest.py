"""Storing what the match centre shows: figures merged from several sources keep each one's source, in any
load order; formations, grids and profiles load idempotently; substitutions create no phantom players."""

from __future__ import annotations

from sqlalchemy import Engine, select

from matchday.ingest.seed import seed_reference_data
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import match_formations, match_lineups, players, team_match_stats, team_profiles
from tests.api.conftest import AF_FIXTURES, SAMPLES, UNDERSTAT_MATCH
from tests.conftest import FDUK
from tests.ingest.helpers import load


def _stats(engine: Engine) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(select(team_match_stats).where(team_match_stats.c.expected_goals.is_not(None))).mappings()
        return {r["side"]: {k: v for k, v in r.items() if k != "match_id"} for r in rows}


def _fresh(tmp_path, name: str) -> Engine:  # noqa: ANN001 - pytest's tmp_path
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    seed_reference_data(engine)
    return engine


def test_figure_sources_are_the_same_in_any_load_order(tmp_path) -> None:  # noqa: ANN001
    first, second = _fresh(tmp_path, "a.db"), _fresh(tmp_path, "b.db")
    load(first, "football-data-uk", FDUK / "E0" / "2020-21.csv")
    load(first, "understat", UNDERSTAT_MATCH)
    load(second, "understat", UNDERSTAT_MATCH)
    load(second, "football-data-uk", FDUK / "E0" / "2020-21.csv")
    stats = _stats(first)
    assert stats == _stats(second)
    home = stats["home"]
    assert (home["shots"], home["fouls"], home["expected_goals"]) == (8, 4, 0.742397)
    assert home["figure_sources"]["shots"] == "football-data-uk"  # the more trusted source's figure stands
    assert home["figure_sources"]["expected_goals"] == "understat"  # a figure only Understat gives is kept
    assert home["source"] == "football-data-uk"


def test_api_football_lineups_and_profiles_load_idempotently(sqlite_engine: Engine) -> None:
    paths = (AF_FIXTURES, SAMPLES / "api-football" / "teams_search-Manchester.json")
    load(sqlite_engine, "api-football", *paths)
    with sqlite_engine.connect() as conn:
        before = [conn.execute(select(t)).all() for t in (match_formations, match_lineups, team_profiles)]
        grids = conn.execute(select(match_lineups.c.grid).where(match_lineups.c.starter)).scalars().all()
    again = load(sqlite_engine, "api-football", *paths)
    assert all(s.changed == 0 and s.new == 0 for s in again)
    with sqlite_engine.connect() as conn:
        assert [conn.execute(select(t)).all() for t in (match_formations, match_lineups, team_profiles)] == before
    assert grids and all(grids)
    assert len(before[0]) == 4  # two fixtures, two sides each: formation and coach


def test_substitutions_create_no_players_named_a_for_b(sqlite_engine: Engine) -> None:
    """Regression: a substitution's "incoming for outgoing" text was resolved as a player's name."""
    load(sqlite_engine, "api-football", AF_FIXTURES)
    with sqlite_engine.connect() as conn:
        names = conn.execute(select(players.c.name)).scalars().all()
    assert names and not [n for n in names if " for " in n]
