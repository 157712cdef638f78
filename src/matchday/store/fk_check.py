"""Foreign keys checked once per bulk transaction instead of once per row (SQLite).

SQLite checks each foreign key of each inserted row as it goes; for a bulk insert of matches that doubles the
cost of the insert (measured here). ``checked_at_end`` turns enforcement off for one transaction (SQLite allows it
only outside a transaction) and, before that transaction commits, checks every row it inserted: the rows of each
table past the largest rowid it had before (SQLite gives a new row the largest rowid + 1). A violation raises and
rolls the transaction back, so the store never holds a dangling reference. The transactions this is used for
delete no parent row, so no ``ON DELETE`` action is skipped. On PostgreSQL it is a plain transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Table, literal_column, select

from matchday.errors import Conflict
from matchday.store.schema import metadata


def _tables_with_foreign_keys() -> list[Table]:
    return [table for table in metadata.sorted_tables if table.foreign_keys]


def _high_water(conn: Connection) -> dict[str, int]:
    return {table.name: conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}").scalar_one()
            for table in _tables_with_foreign_keys()}


def _violations(conn: Connection, before: dict[str, int]) -> list[str]:
    found = []
    after = _high_water(conn)
    for table in _tables_with_foreign_keys():
        start, end = before[table.name], after[table.name]
        if end == start:
            continue
        rowid = literal_column(f"{table.name}.rowid")
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            new_rows = select(child.label("value")).where(rowid > start, child.is_not(None))
            if (end - start) * 4 > end:
                # most of the table is new: each distinct value once (an index on the column answers it)
                new_rows = new_rows.distinct()
            used = new_rows.subquery()
            orphan = select(used.c.value).where(~select(parent).where(parent == used.c.value).exists()).limit(5)
            found.extend(f"{table.name}.{child.name} = {value}: no such {parent.table.name}.{parent.name}"
                         for value in conn.execute(orphan).scalars())
    return found


@contextmanager
def checked_at_end(engine: Engine) -> Iterator[Connection]:
    """A write transaction whose foreign keys are checked once, for all its new rows, before it commits."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                yield conn
            return
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction: SQLite ignores it inside one
        try:
            with conn.begin():
                before = _high_water(conn)
                yield conn
                problems = _violations(conn, before)
                if problems:
                    raise Conflict("foreign key violations in a bulk load, nothing stored: " + "; ".join(problems))
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
