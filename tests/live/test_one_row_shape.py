"""One builder per payload shape: a live ``table_update`` during a Scottish-style split carries the same row as the
league channel's snapshot and the REST table (split, movement, group ...), so a page that resubscribes and one
that follows the updates show the same headings. Real data: the Scottish Premier League 2010-11 from
football-data.co.uk."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from matchday.ingest.live import live_table
from matchday.live.snapshots import snapshot
from matchday.server import create_server
from matchday.services.tables import ROW_FIELDS
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import competitions, seasons
from tests.conftest import FDUK
from tests.ingest.helpers import load

SEASON = FDUK / "SC0" / "2010-11.csv"


def test_table_update_snapshot_and_rest_rows_have_one_shape(tmp_path: Path) -> None:
    sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(sqlite_engine)  # no deduction ledger: the league channel's latest season is the one loaded
    load(sqlite_engine, "football-data-uk", SEASON)
    with sqlite_engine.connect() as conn:
        league_id, season_id = conn.execute(
            select(competitions.c.id, seasons.c.id).join(seasons, seasons.c.competition_id == competitions.c.id)
            .where(competitions.c.code == "sco.1")).one()
        update = live_table(conn, league_id, season_id)  # what a goal's table_update carries (ingest.live)
        snap = snapshot(conn, f"league:{league_id}")  # what a (re)subscribing page receives first
    assert update is not None
    settings = Settings(database_url=str(sqlite_engine.url))
    with TestClient(create_server(settings, sqlite_engine)) as client:
        rest = client.get(f"/api/v1/leagues/{league_id}/table", params={"season": "2010-11"}).json()["standings"]
    shapes = {"table_update": set(update["standings"][0]), "snapshot": set(snap["standings"][0]),
              "rest": set(rest[0])}
    assert shapes["table_update"] == shapes["snapshot"] == shapes["rest"] == {*ROW_FIELDS, "team"}
    # the split's headings survive a live update: every row says which half it is in
    assert [r["split"] for r in update["standings"]] == ["top_six"] * 6 + ["bottom_six"] * 6
    assert update["standings"] == snap["standings"]
    sqlite_engine.dispose()
