"""The insert paths of a first load: secondary indexes built after the insert (SQLite), COPY straight into
matches (PostgreSQL); neither leaves the store without an index or with half a unit."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select, text

from matchday.errors import Conflict
from matchday.ingest.pipeline import load_units
from matchday.ingest.seed import seed_reference_data
from matchday.sources.base import get_source
from matchday.store import bulk_load, fk_check
from matchday.store.deferred_indexes import _postgres_definitions, built_after_insert
from matchday.store.engine import make_engine
from matchday.store.fk_check import checked_at_end
from matchday.store.migrate import upgrade
from matchday.store.schema import matches
from tests.conftest import DATA, _fresh_postgres_url

MLS = DATA / "engsoccerdata" / "data-raw" / "mls.csv.gz"


def _indexes(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'matches' ORDER BY name").all()


def _store(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    seed_reference_data(engine)
    return engine


def test_a_first_load_keeps_every_index(tmp_path: Path) -> None:
    engine = _store(f"sqlite:///{tmp_path / 'first.db'}")
    before = _indexes(engine)
    assert len([name for name, sql in before if sql]) >= 3  # match date, home team, away team
    source = get_source("engsoccerdata")
    summary = load_units(engine, source, source.plan([MLS], {}))[0]
    assert summary.status == "ok" and summary.new > 1000
    assert _indexes(engine) == before
    with engine.connect() as conn:  # the rebuilt index answers
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM matches WHERE home_team_id = 5").all())
        assert "ix_matches_home_team_id" in plan
    engine.dispose()


def test_a_failed_insert_leaves_the_indexes(tmp_path: Path) -> None:
    """The drop is part of the transaction: when the unit fails after it, the indexes are back with the rows."""
    engine = _store(f"sqlite:///{tmp_path / 'failed.db'}")
    before = _indexes(engine)
    with (pytest.raises(Conflict, match="foreign key"), checked_at_end(engine) as conn,
          built_after_insert(conn, "matches", 5000, 0)):
        assert len(_indexes_in(conn)) < len(before)
        conn.exec_driver_sql(  # a season that does not exist: the check before commit refuses it
            "INSERT INTO matches (competition_id, season_id, match_key, stage, status, home_team_id, "
            "away_team_id, neutral, attributes) VALUES (1, 999, 'x', 'regular', 'finished', 1, 1, 0, '{}')")
    assert _indexes(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 0
    engine.dispose()


def _indexes_in(conn) -> list[tuple]:  # type: ignore[no-untyped-def]
    return conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index' "
                                "AND tbl_name = 'matches'").all()


def test_copy_into_matches_refuses_a_match_stored_meanwhile(request: pytest.FixtureRequest) -> None:
    """PostgreSQL: the new seasons' rows are COPied straight into matches; a row another load stored after this
    unit found the season empty is a Conflict, and nothing of the unit stays."""
    engine = _store(_fresh_postgres_url(request.getfixturevalue("postgres")))
    source = get_source("engsoccerdata")
    assert load_units(engine, source, source.plan([MLS], {}))[0].status == "ok"
    with engine.connect() as conn:
        stored = conn.execute(select(matches).order_by(matches.c.id).limit(3)).mappings().all()
        count = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    rows = pl.DataFrame([{**row, "id": row["id"] + 1_000_000} for row in stored]) \
        .select("id", "competition_id", "season_id", "match_key", "stage", "status", "home_team_id",
                "away_team_id", "neutral", "updated_at") \
        .with_columns(pl.lit("{}").alias("attributes"))
    with pytest.raises(Conflict, match="another load"), engine.begin() as conn:
        bulk_load._copy_matches(conn, rows)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == count
        assert conn.execute(text("SELECT count(*) FROM matches WHERE id > 1000000")).scalar_one() == 0
    engine.dispose()


def _constraints(engine: Engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as conn:
        return _postgres_definitions(conn, ["matches", "match_sources", "match_events"])


def test_postgres_first_load_checks_foreign_keys_once_and_keeps_them(request: pytest.FixtureRequest) -> None:
    """PostgreSQL: a first load drops the foreign keys (and secondary indexes) for its insert and adds them back,
    checked, in the same transaction: the store ends with the same constraints, and a dangling reference is a
    Conflict that leaves neither rows nor a missing constraint behind."""
    engine = _store(_fresh_postgres_url(request.getfixturevalue("postgres")))
    before = _constraints(engine)
    assert len(before[0]) >= 5 and len(before[1]) >= 3
    source = get_source("engsoccerdata")
    summary = load_units(engine, source, source.plan([MLS], {}))[0]
    assert summary.status == "ok" and summary.new > 1000
    assert _constraints(engine) == before
    with pytest.raises(Conflict, match="foreign key"), engine.begin() as conn, \
            built_after_insert(conn, ("matches", "match_sources", "match_events"), 5000, 0):
        assert _postgres_definitions(conn, ["matches"])[0] == []  # dropped inside the transaction
        conn.exec_driver_sql(
            "INSERT INTO matches (competition_id, season_id, match_key, stage, status, home_team_id, "
            "away_team_id, neutral, attributes) VALUES (1, 999999, 'x', 'regular', 'finished', 1, 1, false, '{}')")
    assert _constraints(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM matches WHERE season_id = 999999")).scalar_one() == 0
    engine.dispose()


def test_postgres_insert_keeps_the_keys_when_a_reader_holds_the_table(request: pytest.FixtureRequest) -> None:
    """A transaction holding matches longer than LOCK_WAIT: the bulk insert does not queue behind it (and every
    later reader behind itself); it keeps the foreign keys and checks its rows one by one instead."""
    url = _fresh_postgres_url(request.getfixturevalue("postgres"))
    engine = _store(url)
    reader = make_engine(url)
    with reader.connect() as held:
        held.exec_driver_sql("BEGIN")
        held.exec_driver_sql("SELECT count(*) FROM matches").scalar_one()  # an ACCESS SHARE lock until rollback
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '7s'")
            with built_after_insert(conn, ("matches",), 5000, 0):
                assert len(_postgres_definitions(conn, ["matches"])[0]) == 4  # kept
            assert conn.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar_one() == "7s"
        held.exec_driver_sql("ROLLBACK")
    assert len(_constraints(engine)[0]) >= 5
    reader.dispose()
    engine.dispose()


_ROW = ("INSERT INTO matches (id, competition_id, season_id, match_key, stage, status, home_team_id, away_team_id, "
        "neutral, attributes) VALUES (?, 1, ?, ?, 'regular', 'finished', ?, ?, 0, '{}')")


@pytest.mark.parametrize("bad", ["in the vouched values", "in an unvouched row", "in an unvouched column"])
def test_vouched_rows_are_checked_by_their_distinct_values_and_the_rest_row_by_row(tmp_path: Path,
                                                                                    bad: str) -> None:
    """``fk_check.vouch``: a bulk insert names the distinct keys of the rows it inserted; a dangling one among them,
    or in any row or column it did not vouch for, still rolls the whole transaction back."""
    engine = _store(f"sqlite:///{tmp_path / 'vouch.db'}")
    with engine.begin() as conn:
        season = conn.exec_driver_sql("INSERT INTO seasons (competition_id, label) VALUES (1, '2020') "
                                      "RETURNING id").scalar_one()
        team = conn.exec_driver_sql("INSERT INTO teams (name) VALUES ('A') RETURNING id").scalar_one()
    with checked_at_end(engine) as conn:  # all good: vouched rows and scanned ones commit
        conn.exec_driver_sql(_ROW, [(i, season, f"k{i}", team, team) for i in range(1, 11)])
        fk_check.vouch(conn, "matches", (1, 10), {"competition_id": [1], "season_id": [season],
                                                  "home_team_id": [team], "away_team_id": [team]})
        conn.exec_driver_sql(_ROW, (11, season, "k11", team, team))
    rows = [(i, season, f"k{i}", team, team) for i in range(12, 22)]
    vouched = {"competition_id": [1], "season_id": [season], "home_team_id": [team], "away_team_id": [team]}
    if bad == "in the vouched values":
        vouched["home_team_id"] = [team, 999]
        rows[3] = (15, season, "k15", 999, team)
    elif bad == "in an unvouched row":
        rows.append((22, 999, "k22", team, team))
    else:
        del vouched["away_team_id"]
        rows[5] = (17, season, "k17", team, 999)
    with pytest.raises(Conflict, match="999"), checked_at_end(engine) as conn:
        conn.exec_driver_sql(_ROW, rows)
        fk_check.vouch(conn, "matches", (12, 21), vouched)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == 11
    engine.dispose()


@pytest.mark.postgres
def test_postgres_matches_are_analysed_after_a_large_load(request: pytest.FixtureRequest, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A load that brings ``ANALYZE_AFTER`` new matches or more leaves ``matches`` analysed (the planner's row
    count is the table's), a smaller one leaves the statistics as they were. Autovacuum is off for the table, so
    only the load can have analysed it."""
    from matchday.store import planner_stats
    from tests.ingest.test_bulk_load import _excerpt

    engine = _store(_fresh_postgres_url(request.getfixturevalue("postgres")))
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE matches SET (autovacuum_enabled = false)")

    def planner_rows() -> float:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'matches'").scalar_one()

    monkeypatch.setattr(planner_stats, "ANALYZE_AFTER", 300)
    source = get_source("engsoccerdata")
    small = _excerpt(tmp_path / "small", MLS, lambda i, _line: i < 200, "mls.csv")
    assert load_units(engine, source, source.plan([small], {}))[0].new == 200
    assert planner_rows() == -1  # never analysed
    larger = _excerpt(tmp_path / "larger", MLS, lambda i, _line: i < 600, "mls.csv")
    assert load_units(engine, source, source.plan([larger], {}))[0].new == 400
    assert planner_rows() == 600
    engine.dispose()


@pytest.mark.postgres
def test_postgres_analyse_waits_briefly_for_a_held_table(request: pytest.FixtureRequest,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The statistics come after the load committed: when another transaction holds ``matches`` (a load's unit
    rebuilding its keys), the refresh gives up after ``LOCK_WAIT`` instead of failing or hanging the load."""
    from matchday.store import planner_stats

    engine = _store(_fresh_postgres_url(request.getfixturevalue("postgres")))
    monkeypatch.setattr(planner_stats, "LOCK_WAIT", "200ms")
    with engine.connect() as holder, holder.begin():
        holder.exec_driver_sql("LOCK TABLE matches IN ACCESS EXCLUSIVE MODE")
        planner_stats.refresh_after_load(engine, planner_stats.ANALYZE_AFTER)  # returns, nothing raised
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'matches'").scalar_one() == -1
    planner_stats.refresh_after_load(engine, planner_stats.ANALYZE_AFTER)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'matches'").scalar_one() == 0
    engine.dispose()


def _unproven(conn) -> list[str]:  # type: ignore[no-untyped-def]
    return list(conn.exec_driver_sql("SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated "
                                     "ORDER BY 1").scalars())


@pytest.mark.postgres
def test_postgres_vouched_keys_come_back_unproven_until_the_load_ends(request: pytest.FixtureRequest,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: a dropped key whose column the insert vouched for comes back ``NOT VALID`` once the vouched
    values are found in the parent table (no scan of the table per unit), a key nobody vouched for comes back
    checked over the table; a dangling vouched value rolls everything back. ``validate_deferred_keys`` (the end of
    ``load_units``) proves the unproven keys, later if another transaction holds the table."""
    from matchday.ingest import pipeline
    from matchday.store import deferred_indexes

    engine = _store(_fresh_postgres_url(request.getfixturevalue("postgres")))
    before = _constraints(engine)
    source = get_source("engsoccerdata")
    with monkeypatch.context() as patched:  # the load's own proof held back, to see what it leaves
        patched.setattr(pipeline, "validate_deferred_keys", lambda engine: None)
        assert load_units(engine, source, source.plan([MLS], {}))[0].new > 1000
    with engine.connect() as conn:  # every key vouched for: matches' by their ids, the (no) events' by nothing
        assert _unproven(conn) == ["fk_match_events_match_id_matches", "fk_match_events_player_id_players",
                                   "fk_matches_away_team_id_teams", "fk_matches_competition_id_competitions",
                                   "fk_matches_home_team_id_teams", "fk_matches_season_id_seasons"]
    deferred_indexes.validate_deferred_keys(engine)
    assert _constraints(engine) == before  # the same keys, ON DELETE actions included
    with engine.connect() as conn:
        assert _unproven(conn) == []
        competition, season, team = conn.exec_driver_sql(
            "SELECT competition_id, season_id, home_team_id FROM matches LIMIT 1").one()
        stored = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    row = ("INSERT INTO matches (id, competition_id, season_id, match_key, stage, status, home_team_id, "
           "away_team_id, neutral, attributes) VALUES ({id}, {competition}, {season}, 'k{id}', 'regular', 'finished', "
           "{home}, {team}, false, '{{}}')")
    with pytest.raises(Conflict, match="home_team_id = 999999"), engine.begin() as conn, \
            built_after_insert(conn, ("matches",), 5000, stored):
        conn.exec_driver_sql(row.format(id=10**6, competition=competition, season=season, home=999999, team=team))
        fk_check.vouch(conn, "matches", (10**6, 10**6), {"home_team_id": [999999, team]})
    with engine.begin() as conn:
        with built_after_insert(conn, ("matches",), 5000, stored):
            conn.exec_driver_sql(row.format(id=10**6, competition=competition, season=season, home=team, team=team))
            fk_check.vouch(conn, "matches", (10**6, 10**6), {"home_team_id": [team], "away_team_id": [team]})
        assert _unproven(conn) == ["fk_matches_away_team_id_teams", "fk_matches_home_team_id_teams"]
    # the next insert vouches for nothing: each key is checked over the table again, unproven ones included
    with pytest.raises(Conflict, match="foreign key"), engine.begin() as conn, \
            built_after_insert(conn, ("matches",), 5000, stored):
        conn.exec_driver_sql(row.format(id=10**6 + 1, competition=competition, season=season, home=team,
                                        team=999999))
    monkeypatch.setattr(deferred_indexes, "VALIDATE_WAIT", "200ms")
    with engine.connect() as holder, holder.begin():
        holder.exec_driver_sql("LOCK TABLE matches IN ACCESS EXCLUSIVE MODE")
        deferred_indexes.validate_deferred_keys(engine)  # gives up after VALIDATE_WAIT, nothing raised
    with engine.connect() as conn:
        assert len(_unproven(conn)) == 2
        assert conn.execute(select(func.count()).select_from(matches)).scalar_one() == stored + 1
    deferred_indexes.validate_deferred_keys(engine)
    with engine.connect() as conn:
        assert _unproven(conn) == []
    engine.dispose()
