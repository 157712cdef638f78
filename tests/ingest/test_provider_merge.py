"""Provider data on top of results already stored: no new teams, nothing known erased, status never back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from matchday.store.schema import matches, published_scorers, shots, team_match_stats, teams
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load

UNDERSTAT = DATA / "api-samples" / "understat"
ESPN = DATA / "api-samples" / "espn"
REGRESSIONS = Path(__file__).resolve().parent.parent / "regressions"


def test_understat_season_after_football_data_uk(sqlite_engine: Engine) -> None:
    """Understat's league page was captured in March 2021 (104 matches still to play); football-data.co.uk has
    the whole season. The pages join the same 20 teams, add xG and shots, and un-finish nothing."""
    engine = sqlite_engine
    load(engine, "football-data-uk", FDUK / "E0" / "2020-21.csv")
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(teams)).scalar_one()
    summaries = load(engine, "understat", UNDERSTAT / "league_EPL_2020.html", UNDERSTAT / "match_14717.html")
    assert [(s.status, s.new) for s in summaries] == [("ok", 0), ("ok", 0)]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(teams)).scalar_one() == before
        statuses = dict(conn.execute(select(matches.c.status, func.count()).group_by(matches.c.status)).all())
        assert statuses == {"finished": 380}
        palace = conn.execute(select(matches.c.id).join(teams, teams.c.id == matches.c.home_team_id)
                              .where(teams.c.name == "Crystal Palace", matches.c.match_date == "2021-03-03")
                              ).scalar_one()
        stats = {r.side: r for r in conn.execute(select(team_match_stats).where(
            team_match_stats.c.match_id == palace))}
        assert conn.execute(select(func.count()).select_from(shots).where(shots.c.match_id == palace)
                            ).scalar_one() == 19
        assert conn.execute(select(func.count()).select_from(published_scorers)).scalar_one() == 499
    # football-data.co.uk's corners and fouls stay; Understat adds xG (shots: both say 8 and 11)
    assert (stats["home"].expected_goals, stats["home"].shots, stats["away"].shots) == (0.742397, 8, 11)
    assert (stats["home"].corners, stats["away"].corners, stats["home"].fouls, stats["away"].fouls) == (4, 6, 4, 13)
    again = load(engine, "understat", UNDERSTAT / "league_EPL_2020.html", UNDERSTAT / "match_14717.html")
    assert [(s.new, s.changed) for s in again] == [(0, 0), (0, 0)]


def test_espn_world_cup_joins_international_results(sqlite_engine: Engine) -> None:
    """The 2026 knock-out matches are in international_results (stage "FIFA World Cup", local dates) and in
    ESPN's scoreboards (stage "Round of 32" ..., UTC dates): one match each, no new team."""
    engine = sqlite_engine
    load(engine, "international-results", REGRESSIONS / "espn_world_cup_join" / "results.csv")
    with engine.connect() as conn:
        teams_before = conn.execute(select(func.count()).select_from(teams)).scalar_one()
        matches_before = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    summaries = load(engine, "espn", *sorted(ESPN.glob("scoreboard_*.json")))
    assert all(s.status == "ok" and s.new == 0 for s in summaries)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(teams)).scalar_one() == teams_before
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == matches_before
        final = conn.execute(select(matches.c.stage, matches.c.home_goals, matches.c.away_goals)
                             .where(matches.c.match_date == "2026-07-19", matches.c.status == "finished")
                             .join(teams, teams.c.id == matches.c.home_team_id).where(teams.c.name == "Spain")
                             ).one()
    assert tuple(final) == ("FIFA World Cup", 1, 0)  # the first source's stage label stays
