"""engsoccerdata formats the data set documents load as what they are: R day numbers as dates, walkovers as
awarded matches, byes counted as no matches. Nothing of it is quarantined (quarantine is for damaged rows)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from matchday.store.schema import matches, quarantined_rows
from tests.conftest import DATA
from tests.ingest.helpers import load

RAW = DATA / "engsoccerdata" / "data-raw"


def test_play_offs_and_cup_load_without_quarantine(sqlite_engine: Engine) -> None:
    summaries = load(sqlite_engine, "engsoccerdata", RAW / "englandplayoffs.csv", RAW / "facup.csv.gz")
    by_file = {s.location.rsplit("/", 1)[-1]: s for s in summaries}
    assert [s.status for s in summaries] == ["ok", "ok"]
    # before: 269 + 341 rows quarantined (R day numbers; walkovers and byes)
    assert by_file["englandplayoffs.csv"].quarantined == 0 and by_file["englandplayoffs.csv"].new == 764
    assert by_file["facup.csv.gz"].quarantined == 0 and by_file["facup.csv.gz"].not_matches == 168
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(quarantined_rows)).scalar() == 0
        statuses = dict(conn.execute(select(matches.c.status, func.count()).group_by(matches.c.status)).all())
        recent = conn.execute(select(func.count()).where(matches.c.match_date >= date(2012, 1, 1))).scalar()
    assert statuses["awarded"] == 131 and statuses["cancelled"] == 42
    assert recent >= 268  # the day-numbered play-off rows of 2012-13 to 2018-19 are dated
    again = load(sqlite_engine, "engsoccerdata", RAW / "englandplayoffs.csv", RAW / "facup.csv.gz")
    assert [(s.new, s.changed, s.quarantined) for s in again] == [(0, 0, 0), (0, 0, 0)]
