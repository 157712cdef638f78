"""Shapes seen in real answers that are not among the shared samples (tests/regressions/<name>/, each with a
SOURCE.md saying where it came from). Each failed before its fix."""

from __future__ import annotations

from sqlalchemy import Engine

from matchday.services.tables import league_table
from tests.conftest import REPO
from tests.ingest.helpers import load

REGRESSIONS = REPO / "tests" / "regressions"


def test_openfootball_scottish_split_rounds_are_the_league_s_second_phase(sqlite_engine: Engine) -> None:
    path = REGRESSIONS / "openfootball_split_rounds" / "2024-25" / "sco.1.json"
    [summary] = load(sqlite_engine, "openfootball", path)
    assert summary.status == "ok" and summary.quarantined == 0
    with sqlite_engine.connect() as conn:
        table = league_table(conn, "sco.1", "2024-25")
    # the excerpt holds matchday 33 and the five split rounds: every team has played 6, none are play-offs
    assert len(table.rows) == 12 and {r["played"] for r in table.rows} == {6}
