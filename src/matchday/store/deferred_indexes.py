"""A table's secondary indexes built after a large insert instead of row by row during it (SQLite).

Inserting many rows into a table keeps each of its secondary indexes up to date one row at a time, in random
key order; building an index afterwards sorts the keys once. When the insert brings at least as many rows as
the table holds, dropping the secondary indexes before it and creating them again after it is the cheaper of
the two. Both happen inside the caller's transaction: a failure or a kill rolls the drop back with the rows, so
the store never lacks an index. Indexes that back a constraint (unique keys, primary keys) stay: SQLite cannot
drop them, and they check the insert. On PostgreSQL dropping an index would lock the table against readers for
the whole load, so there the indexes stay too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection


@contextmanager
def built_after_insert(conn: Connection, table: str, new_rows: int, stored_rows: int) -> Iterator[None]:
    """Around an insert of ``new_rows`` into ``table`` (which holds about ``stored_rows``)."""
    if conn.dialect.name != "sqlite" or new_rows < max(stored_rows, 1000):
        yield
        return
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY name", (table,)).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
