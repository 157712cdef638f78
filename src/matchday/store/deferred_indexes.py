"""Tables' secondary indexes (and, on PostgreSQL, foreign keys) built after a large insert instead of row by row.

Inserting many rows into a table keeps each of its secondary indexes up to date one row at a time, in random
key order; building an index afterwards sorts the keys once. When the insert brings at least as many rows as
the table holds, dropping the secondary indexes before it and creating them again after it is the cheaper of
the two. Both happen inside the caller's transaction: a failure or a kill rolls the drop back with the rows, so
the store never lacks an index. Indexes that back a constraint (unique keys, primary keys) stay: they check the
insert (SQLite cannot drop them anyway).

On PostgreSQL each foreign key of each inserted row is checked by a trigger, one lookup (and one row lock) per row
and key: for a first load that is most of its time. There, for an insert of 1,000 rows or more that adds 1/16 of the
table (or follows one in the same load, ``FOREIGN_KEY_SHARE``), the foreign keys of the tables are dropped too and
added back after the insert. A key whose column the inserter vouched for (``fk_check.vouch``: the distinct values of
everything it inserted there) comes back ``NOT VALID`` after those values are looked up in the parent table, so the
check costs the unit's distinct keys, not the table; ``validate_deferred_keys`` (run once at the end of a load,
``ingest.pipeline.load_units``) then lets PostgreSQL prove each such key over the whole table once, under a lock
that blocks neither readers nor writers. A ``NOT VALID`` key is enforced on every later write; it only has not been
proven over the rows it found. Any other key comes back checked over the whole table in one join. A violation either
way raises (a ``Conflict``) and rolls everything back. Dropping a constraint locks the table and its parent tables
(teams, seasons, competitions, players) exclusively until the commit: their readers wait for the unit's transaction
(a large new season: a second or so) instead of seeing it half-written; when another transaction holds the tables
for more than LOCK_WAIT, the insert keeps the keys and is checked row by row. (On SQLite a bulk load's foreign keys
are checked once before its commit by ``fk_check.checked_at_end``.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg
import structlog
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from matchday.errors import Conflict
from matchday.store.fk_check import missing_parents, vouched_within
from matchday.store.schema import metadata

log = structlog.get_logger(__name__)


def _sqlite_indexes(conn: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for table in tables:
        found.extend(tuple(row) for row in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY name", (table,)).all())
    return found


def _postgres_definitions(conn: Connection, tables: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
    """(foreign keys as (table, name, definition, column, parent table, parent column), secondary indexes as
    (name, definition)) of ``tables``; the columns of a key over several columns are None. A definition never
    says ``NOT VALID`` (a key an earlier unit left unproven): that is a state, which the re-add decides."""
    foreign = conn.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname, regexp_replace(pg_get_constraintdef(c.oid), ' NOT VALID$', ''), "
        "a.attname, "
        "c.confrelid::regclass::text, pa.attname FROM pg_constraint c "
        "LEFT JOIN pg_attribute a ON cardinality(c.conkey) = 1 AND a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "LEFT JOIN pg_attribute pa ON cardinality(c.confkey) = 1 AND pa.attrelid = c.confrelid "
        "AND pa.attnum = c.confkey[1] "
        "WHERE c.contype = 'f' AND c.conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1, 2",
        {"tables": list(tables)}).all()
    indexes = conn.exec_driver_sql(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        {"tables": list(tables)}).all()
    return [tuple(row) for row in foreign], [tuple(row) for row in indexes]


LOCK_WAIT = "1s"  # PostgreSQL: how long to wait for the tables before inserting with the keys in place
# PostgreSQL: keys dropped for an insert that adds 1/16 of the table or more. Proving a key at the load's end scans
# the table (~1.7 µs a stored row for the six keys), checking by trigger costs ~25 µs a new row: about even at 1/16.
# Once a unit of the load has left keys unproven the scan is owed anyway, and every later unit of 1,000 rows or
# more drops them too.
FOREIGN_KEY_SHARE = 16
VALIDATE_WAIT = "5s"  # PostgreSQL: how long the end-of-load proof waits for a table (autovacuum may hold it)


def _unproven_keys(conn: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(table, name) of the foreign keys of ``tables`` left ``NOT VALID``."""
    return [tuple(row) for row in conn.exec_driver_sql(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated "
        "AND conrelid = ANY(%(tables)s::regclass[]) ORDER BY 1, 2", {"tables": list(tables)}).all()]


@contextmanager
def built_after_insert(conn: Connection, tables: str | Sequence[str], new_rows: int,
                       stored_rows: int) -> Iterator[None]:
    """Around an insert of ``new_rows`` into ``tables`` (the first of which holds about ``stored_rows``)."""
    names = [tables] if isinstance(tables, str) else list(tables)
    if conn.dialect.name == "postgresql" and new_rows >= 1000 and (
            new_rows * FOREIGN_KEY_SHARE >= stored_rows or _unproven_keys(conn, names)):
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
        for table, name, *_definition in foreign:
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
    with vouched_within(conn) as vouched:
        yield
    for _name, definition in indexes:
        conn.exec_driver_sql(definition)
    orphans = []
    try:
        for table, name, definition, column, parent_table, parent_column in foreign:
            values = vouched.get((table, column))
            if values is None or parent_table not in metadata.tables:
                conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
                continue
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
            parent = metadata.tables[parent_table].c[parent_column]
            orphans.extend(f"{table}.{column} = {value}: no such {parent_table}.{parent_column}"
                           for value in missing_parents(conn, parent, values))
    except DBAPIError as exc:
        if isinstance(exc.orig, psycopg.errors.ForeignKeyViolation):
            raise Conflict(f"foreign key violations in a bulk load, nothing stored: {exc.orig}") from exc
        raise
    if orphans:
        raise Conflict("foreign key violations in a bulk load, nothing stored: " + "; ".join(orphans[:5]))


def validate_deferred_keys(engine: Engine, tables: Sequence[str] = ("matches", "match_events")) -> None:
    """PostgreSQL: prove each foreign key of ``tables`` a bulk insert left ``NOT VALID`` (one scan of its table, each
    key in its own short transaction). VALIDATE blocks neither readers nor writers, only other loads' key drops
    (those then check their rows by trigger); it waits at most VALIDATE_WAIT for a table. It comes after the load
    committed and the keys were checked when added back and are enforced meanwhile, so a failure is logged, never
    raised, and the next load tries again; a violation found here is logged as an error (a bug in a vouch)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        pending = _unproven_keys(conn, tables)
    for table, name in pending:
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{VALIDATE_WAIT}'")
                conn.exec_driver_sql(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
        except DBAPIError as exc:
            report = log.error if isinstance(exc.orig, psycopg.errors.ForeignKeyViolation) else log.warning
            report("foreign key not validated after the load", table=table, constraint=name,
                   error=str(exc).splitlines()[0])
            if isinstance(exc.orig, psycopg.errors.LockNotAvailable):
                return  # the others wait for the next load rather than each waiting here
