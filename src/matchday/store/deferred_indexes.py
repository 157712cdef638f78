"""Tables' secondary indexes (and, on PostgreSQL, foreign keys) built after a large insert instead of row by row.

Inserting many rows into a table keeps each of its secondary indexes up to date one row at a time, in random
key order; building an index afterwards sorts the keys once. When the insert brings at least as many rows as
the table holds, dropping the secondary indexes before it and creating them again after it is the cheaper of
the two. Both happen inside the caller's transaction: a failure or a kill rolls the drop back with the rows, so
the store never lacks an index. Indexes that back a constraint (unique keys, primary keys) stay: they check the
insert (SQLite cannot drop them anyway).

On PostgreSQL each foreign key of each inserted row is checked by a trigger, one lookup (and one row lock) per
row and key: for a first load that is most of its time. There the foreign keys of the tables are dropped too and
added again after the insert, which checks every row in one join before the transaction commits; a violation
raises (a ``Conflict``) and rolls everything back. That re-check reads the whole table, so it is done when the
insert adds at least 1/16 of it. Dropping a constraint locks the table exclusively until the commit: readers
wait for the unit's transaction (a large new season: a second or so) instead of seeing it half-written; when
another transaction holds the tables for more than LOCK_WAIT, the insert keeps the keys and is checked row by
row. (On SQLite a bulk load's foreign keys are checked once before its commit by ``fk_check.checked_at_end``.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from matchday.errors import Conflict


def _sqlite_indexes(conn: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for table in tables:
        found.extend(tuple(row) for row in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY name", (table,)).all())
    return found


def _postgres_definitions(conn: Connection, tables: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
    """(foreign keys as (table, name, definition), secondary indexes as (name, definition)) of ``tables``."""
    foreign = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1, 2",
        {"tables": list(tables)}).all()
    indexes = conn.exec_driver_sql(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        {"tables": list(tables)}).all()
    return [tuple(row) for row in foreign], [tuple(row) for row in indexes]


FOREIGN_KEY_SHARE = 16  # PostgreSQL: keys re-checked in one join once an insert adds 1/16 of the table
LOCK_WAIT = "1s"  # PostgreSQL: how long to wait for the tables before inserting with the keys in place


@contextmanager
def built_after_insert(conn: Connection, tables: str | Sequence[str], new_rows: int,
                       stored_rows: int) -> Iterator[None]:
    """Around an insert of ``new_rows`` into ``tables`` (the first of which holds about ``stored_rows``)."""
    names = [tables] if isinstance(tables, str) else list(tables)
    if conn.dialect.name == "postgresql" and new_rows >= 1000 and new_rows * FOREIGN_KEY_SHARE >= stored_rows:
        with _postgres_deferred(conn, names, indexes_too=new_rows >= stored_rows):
            yield
        return
    if conn.dialect.name != "sqlite" or new_rows < max(stored_rows, 1000):
        yield
        return
    indexes = _sqlite_indexes(conn, names)
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)


def _dropped(conn: Connection, foreign: list[tuple], indexes: list[tuple]) -> bool:
    """Drop these constraints and indexes in a savepoint, waiting at most LOCK_WAIT for the tables (a reader
    that holds them meanwhile would otherwise queue every later reader behind this load); False if they stay."""
    timeout = conn.exec_driver_sql("SELECT current_setting('lock_timeout')").scalar_one()
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        for table, name, _definition in foreign:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
    except DBAPIError as exc:
        savepoint.rollback()
        if not isinstance(exc.orig, psycopg.errors.LockNotAvailable | psycopg.errors.DeadlockDetected):
            raise
        return False
    else:
        savepoint.commit()
        return True
    finally:
        conn.exec_driver_sql("SELECT set_config('lock_timeout', %(value)s, true)", {"value": timeout})


@contextmanager
def _postgres_deferred(conn: Connection, tables: list[str], indexes_too: bool) -> Iterator[None]:
    foreign, indexes = _postgres_definitions(conn, tables)
    if not indexes_too:
        indexes = []
    if not _dropped(conn, foreign, indexes):
        yield
        return
    yield
    for _name, definition in indexes:
        conn.exec_driver_sql(definition)
    try:
        for table, name, definition in foreign:
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    except DBAPIError as exc:
        if isinstance(exc.orig, psycopg.errors.ForeignKeyViolation):
            raise Conflict(f"foreign key violations in a bulk load, nothing stored: {exc.orig}") from exc
        raise
