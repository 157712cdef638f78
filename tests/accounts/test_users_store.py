"""The users store's migrations build exactly its declared schema, in its own database or beside the football
store (each with its own version table), on SQLite and PostgreSQL; the secret key is refused at its default."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy import Engine, inspect, text

from matchday.accounts.schema import users_metadata
from matchday.accounts.store import upgrade_users
from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.schema import metadata


def _differences(engine: Engine, target) -> list:  # noqa: ANN001 - a MetaData
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, _parent: type_ != "table" or name in target.tables})
        return compare_metadata(context, target)


def test_users_migrations_build_the_declared_schema_in_their_own_database(store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade_users(engine)
    upgrade_users(engine)  # idempotent
    assert _differences(engine, users_metadata) == []
    tables = set(inspect(engine).get_table_names())
    assert "matches" not in tables and "alembic_version_users" in tables
    engine.dispose()


def test_both_stores_share_one_database_each_with_its_version_table(engine: Engine) -> None:
    upgrade_users(engine)
    assert _differences(engine, users_metadata) == []
    assert _differences(engine, metadata) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version_users")).scalar() == "0012_push"
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_no_users_table_refers_to_the_football_store() -> None:
    football = set(metadata.tables)
    for table in users_metadata.tables.values():
        assert not {fk.column.table.name for fk in table.foreign_keys} & football


def test_a_default_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="MATCHDAY_SECRET_KEY must be set"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key="x" * 40).secret_key == "x" * 40
    assert Settings().development
