"""The Alembic migrations build exactly the schema the code declares, on SQLite and on PostgreSQL; a store already
at the newest migration is recognised without Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from matchday.accounts.store import MIGRATIONS as USERS_MIGRATIONS
from matchday.cli.common import init_store
from matchday.store.engine import make_engine
from matchday.store.migrate import MIGRATIONS, alembic_config, at_heads, shipped_heads, upgrade
from matchday.store.schema import metadata


def test_migrations_match_the_declared_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


@pytest.mark.parametrize("folder", [MIGRATIONS, USERS_MIGRATIONS], ids=["football", "users"])
def test_the_heads_read_from_the_files_are_alembics(folder: Path) -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://", folder))
    assert shipped_heads(folder) == frozenset(script.get_heads())


def test_a_store_one_migration_behind_is_upgraded_and_one_at_head_needs_no_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'matchday.db'}"
    engine = make_engine(url)
    (head,) = shipped_heads(MIGRATIONS)
    script = ScriptDirectory.from_config(alembic_config(url))
    behind = script.get_revision(head).down_revision
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, behind)
    assert not at_heads(engine, "alembic_version", MIGRATIONS)
    upgrade(engine)  # the last migration is applied
    assert at_heads(engine, "alembic_version", MIGRATIONS)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    init_store(engine)  # the users store's migrations too
    engine.dispose()
    # what every CLI command does first: on stores at head, Alembic is never imported
    check = ("import sys\nfrom matchday.cli.common import init_store\nfrom matchday.store.engine import make_engine\n"
             f"init_store(make_engine({url!r}))\nassert 'alembic' not in sys.modules, 'alembic was imported'\n")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MATCHDAY_DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
