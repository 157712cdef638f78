"""Alembic environment: migrations run against the URL handed in by matchday (never a hard-coded one)."""

from __future__ import annotations

from alembic import context

from matchday.store.engine import make_engine
from matchday.store.schema import metadata

config = context.config


def _football_tables_only(name: str | None, type_: str, _parent: object) -> bool:
    """The users store may share this database (its own migrations, accounts/migrations): leave its tables be."""
    return type_ != "table" or name in metadata.tables or name == "alembic_version"


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                          include_name=_football_tables_only)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                          include_name=_football_tables_only)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
