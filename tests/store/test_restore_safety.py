"""A restore that fails leaves the store exactly as it was (issue 17, item 2), on SQLite and PostgreSQL: a damaged
backup, a foreign database, a backup of another store kind, a store still in use."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text

from matchday.store import pg_restore
from matchday.store.backup import BackupError, backup, restore
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches
from tests.conftest import FDUK, REPO, _fresh_postgres_url
from tests.ingest.helpers import load
from tests.store.test_backup import _dump


def _loaded_store(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    load(engine, "football-data-uk", FDUK / "E0" / "2011-12.csv")
    return engine


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(matches)).scalar_one()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres"))


def _foreign_backup(live_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A backup of a database holding one unrelated table, of the live store's kind."""
    if live_url.startswith("sqlite"):
        other = tmp_path / "other.db"
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            conn.execute("INSERT INTO notes (body) VALUES ('shopping list')")
        conn.close()
        return other
    other_url = _fresh_postgres_url(request.getfixturevalue("postgres"))
    other = create_engine(other_url.replace("postgresql://", "postgresql+psycopg://"))
    with other.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text)"))
    other.dispose()
    return backup(other_url, tmp_path / "other.backup").path


def _damaged_backup(live_url: str, tmp_path: Path) -> Path:
    """A real backup of the live store with bytes overwritten in its middle."""
    made = backup(live_url, tmp_path / "good.backup").path
    data = bytearray(made.read_bytes())
    if live_url.startswith("sqlite"):
        page = 4096
        for at in range(page * 3, len(data) - page, page * 7):  # b-tree pages overwritten, the header kept
            data[at:at + 200] = b"\xff" * 200
    else:
        data = data[: len(data) // 2]  # a dump cut in half
    damaged = tmp_path / "corrupt.backup"
    damaged.write_bytes(bytes(data))
    return damaged


def _assert_unchanged(engine: Engine, before: dict) -> None:
    assert _dump(engine) == before and _count(engine) == 380
    engine.dispose()  # no session left open: a PostgreSQL restore needs the database to itself
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()


def test_a_failed_restore_leaves_the_store_as_it_was(live: str, tmp_path: Path,
                                                     request: pytest.FixtureRequest) -> None:
    engine = _loaded_store(live)
    before = _dump(engine)
    engine.dispose()
    damaged = _damaged_backup(live, tmp_path)
    foreign = _foreign_backup(live, tmp_path, request)
    with pytest.raises(BackupError, match="damaged|failed"):
        restore(damaged, live)
    _assert_unchanged(engine, before)
    with pytest.raises(BackupError, match="not a matchday store|not of a matchday store"):
        restore(foreign, live)
    _assert_unchanged(engine, before)

    # a good backup restored while a session still uses the store: refused (PostgreSQL) or done whole (SQLite)
    good = backup(live, tmp_path / "good2.backup").path
    with engine.connect() as busy:
        busy.execute(select(1))
        if engine.dialect.name == "postgresql":
            with pytest.MonkeyPatch.context() as patch, pytest.raises(BackupError, match="connected"):
                patch.setattr(pg_restore, "LEAVING_SESSIONS_GRACE_S", 0.3)  # this session stays: no need to wait 5 s
                restore(good, live)
    _assert_unchanged(engine, before)

    restore(good, live)  # and a good one restores, into the same name
    _assert_unchanged(engine, before)
    engine.dispose()


def test_restore_through_the_cli_refuses_a_corrupt_or_foreign_file(tmp_path: Path,
                                                                   request: pytest.FixtureRequest) -> None:
    live = f"sqlite:///{tmp_path / 'live.db'}"
    engine = _loaded_store(live)
    before = _dump(engine)
    engine.dispose()
    env = {**os.environ, "MATCHDAY_DATABASE_URL": live}
    for bad in (_damaged_backup(live, tmp_path), _foreign_backup(live, tmp_path, request)):
        result = subprocess.run([sys.executable, "-m", "matchday.cli", "restore", str(bad), "--yes"],
                                capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "the store is unchanged" in result.stderr
        _assert_unchanged(engine, before)
