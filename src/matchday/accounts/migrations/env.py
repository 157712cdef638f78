"""Alembic environment of the users store: its own version table, so it can share the football database."""

from __future__ import annotations

from alembic import context

from matchday.accounts.schema import users_metadata
from matchday.accounts.store import VERSION_TABLE
from matchday.store.engine import make_engine

config = context.config


def _run(connection) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    context.configure(connection=connection, target_metadata=users_metadata, render_as_batch=True,
                      version_table=VERSION_TABLE,
                      include_name=lambda name, type_, _parent: type_ != "table" or name in users_metadata.tables)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
