"""A season's table inputs in one scan (``queries.season_inputs``), the same on SQLite and PostgreSQL: each team's
group comes out of the matches' JSON attributes in SQL on both."""

from __future__ import annotations

from sqlalchemy import Engine

from matchday.store import queries
from tests.conftest import DATA
from tests.ingest.helpers import load


def test_one_scan_gives_the_results_the_teams_and_the_groups(engine: Engine) -> None:
    load(engine, "engsoccerdata", DATA / "engsoccerdata" / "data-raw" / "germany2.csv.gz")
    with engine.connect() as conn:
        _comp, _label, season_id = queries.find_competition_season(conn, "ger.2", "1975-76")
        inputs = queries.season_inputs(conn, season_id)
        assert inputs.names == queries.season_teams(conn, season_id)
        assert inputs.results == queries.table_results(conn, season_id)
    group = {name: inputs.groups[team_id] for team_id, name in inputs.names.items()}
    # 2. Bundesliga 1975-76 (DFB): two groups, Nord and Süd, of 20 teams, each playing its own group home and away;
    # Borussia Dortmund (Nord) met 1. FC Nürnberg (Süd) in the promotion play-off
    assert sorted(list(group.values()).count(g) for g in set(group.values())) == [20, 20]
    assert len(inputs.results) == 2 * 20 * 19
    dortmund = next(g for name, g in group.items() if "Dortmund" in name)
    nuremberg = next(g for name, g in group.items() if "rnberg" in name)
    assert dortmund != nuremberg
