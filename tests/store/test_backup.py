"""Backup and restore round trips on SQLite and a real PostgreSQL server, taken while a load writes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from matchday.store.backup import BackupError, backup, restore
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.schema import matches, metadata
from tests.conftest import FDUK, REPO, _fresh_postgres_url
from tests.ingest.helpers import load

SEASONS = ["2011-12", "2012-13", "2013-14"]


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: two stores are equal when their dumps are."""
    found = {}
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        for table in metadata.sorted_tables:
            if table.name in names:
                order = list(table.primary_key.columns) or list(table.columns)
                found[table.name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
        found["alembic_version"] = [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return found


def _store_url(kind: str, tmp_path: Path, name: str, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    return _fresh_postgres_url(request.getfixturevalue("postgres"))


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_backup_under_load_then_restore_elsewhere(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    source_url = _store_url(kind, tmp_path, "source", request)
    source = make_engine(source_url)
    upgrade(source)
    load(source, "football-data-uk", FDUK / "E0" / f"{SEASONS[0]}.csv")

    # a writer loads three more seasons (one transaction each) while the backup is taken
    writer_engine = make_engine(source_url)
    writer = threading.Thread(target=lambda: [load(writer_engine, "football-data-uk", FDUK / "E0" / f"{s}.csv")
                                              for s in SEASONS[1:]])
    writer.start()
    during = backup(source_url, tmp_path / "during.backup")
    writer.join()
    writer_engine.dispose()

    restored_url = _store_url(kind, tmp_path, "restored", request)
    restored = make_engine(restored_url)
    restore(during.path, restored_url)
    with restored.connect() as conn:
        count = conn.execute(select(func.count()).select_from(matches)).scalar_one()
    # each season's load is all or nothing: the snapshot holds whole seasons only
    assert count in {380 * n for n in range(1, len(SEASONS) + 1)}

    # quiescent: a backup restored elsewhere equals the source table by table
    final = backup(source_url, tmp_path / "final.backup")
    assert final.kind == kind and final.bytes > 0
    restored.dispose()  # a restore replaces the store whole: no session may hold it open (stop the servers)
    restore(final.path, restored_url)
    assert _dump(restored) == _dump(source)
    assert len(_dump(restored)["matches"]) == 380 * len(SEASONS)
    source.dispose()
    restored.dispose()


def test_restore_refuses_a_foreign_file_and_the_wrong_kind(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(BackupError, match="not a matchday backup"):
        restore(junk, f"sqlite:///{tmp_path / 'x.db'}")
    pgdump = tmp_path / "fake.backup"
    pgdump.write_bytes(b"PGDMP" + b"\0" * 20)
    with pytest.raises(BackupError, match="is a postgresql backup"):
        restore(pgdump, f"sqlite:///{tmp_path / 'x.db'}")


def test_backup_and_restore_through_the_cli(tmp_path: Path) -> None:
    def matchday(database: str, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "MATCHDAY_DATABASE_URL": f"sqlite:///{tmp_path / database}"}
        return subprocess.run([sys.executable, "-m", "matchday.cli", *args], capture_output=True, text=True,
                              env=env, cwd=REPO, check=False, timeout=120)

    assert matchday("a.db", "load", "football-data-uk", str(FDUK / "E0" / "2011-12.csv")).returncode == 0
    made = matchday("a.db", "backup", str(tmp_path / "a.backup"), "--json")
    assert made.returncode == 0, made.stderr
    assert matchday("b.db", "restore", str(tmp_path / "a.backup"), "--yes").returncode == 0
    table = matchday("b.db", "table", "eng.1", "2011-12", "--json")
    assert '"Manchester City"' in table.stdout
    missing = matchday("a.db", "restore", str(tmp_path / "nope.backup"), "--yes")
    assert missing.returncode == 2 and "nope.backup" in missing.stderr and "Traceback" not in missing.stderr
