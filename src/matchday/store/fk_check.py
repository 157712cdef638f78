"""Foreign keys checked once per bulk transaction instead of once per row (SQLite), and the vouches a bulk insert
makes for its keys (both databases).

SQLite checks each foreign key of each inserted row as it goes; for a bulk insert of matches that doubles the
cost of the insert (measured here). ``checked_at_end`` turns enforcement off for one transaction (SQLite allows it
only outside a transaction) and, before that transaction commits, checks every row it inserted: the rows of each
table past the largest rowid it had before (SQLite gives a new row the largest rowid + 1). A violation raises and
rolls the transaction back, so the store never holds a dangling reference. The transactions this is used for
delete no parent row, so no ``ON DELETE`` action is skipped. On PostgreSQL it is a plain transaction; there the
vouches (``vouch``, ``vouched_within``) serve ``store.deferred_indexes``, which drops the keys for a bulk insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, Engine, ForeignKey, Table, literal_column, select

from matchday.errors import Conflict
from matchday.store.schema import metadata


def _tables_with_foreign_keys() -> list[Table]:
    return [table for table in metadata.sorted_tables if table.foreign_keys]


def _high_water(conn: Connection) -> dict[str, int]:
    return {table.name: conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}").scalar_one()
            for table in _tables_with_foreign_keys()}


_VOUCHED = "fk_check.vouched"  # conn.info: table → [(first rowid, last rowid, {column: values})]
_WINDOWS = "fk_check.windows"  # conn.info: the open ``vouched_within`` blocks, each {(table, column): values}


def vouch(conn: Connection, table: str, rowids: tuple[int, int], values: dict[str, Iterable[int]]) -> None:
    """Rows ``rowids`` (first, last, inclusive) of ``table``, just inserted, hold in each column of ``values`` only
    those values (the inserter knows them: e.g. the distinct ids of a bulk insert's frame). Their keys are then
    checked as these distinct values, one lookup each, instead of row by row; a column not given is checked by its
    rows as usual. Inside ``checked_at_end`` on SQLite, and inside ``vouched_within`` (any database)."""
    ranges = conn.info.get(_VOUCHED)
    if ranges is not None:
        ranges.setdefault(table, []).append((rowids[0], rowids[1], {k: set(v) for k, v in values.items()}))
    for window in conn.info.get(_WINDOWS, ()):
        for column, given in values.items():
            window.setdefault((table, column), set()).update(given)


@contextmanager
def vouched_within(conn: Connection) -> Iterator[dict[tuple[str, str], set[int]]]:
    """The values vouched for during the block, by (table, column). The inserters in the block vouch for every
    row they insert into a table they vouch for (``store.deferred_indexes`` relies on it on PostgreSQL)."""
    window: dict[tuple[str, str], set[int]] = {}
    conn.info.setdefault(_WINDOWS, []).append(window)
    try:
        yield window
    finally:
        windows = conn.info[_WINDOWS]
        del windows[next(i for i, open_window in enumerate(windows) if open_window is window)]


def missing_parents(conn: Connection, parent: Column, values: set[int]) -> list[int]:
    """Up to five of ``values`` (None skipped) that no row of ``parent``'s table holds in ``parent``."""
    ordered = sorted(v for v in values if v is not None)
    found: set[int] = set()
    for start in range(0, len(ordered), 900):
        found.update(conn.execute(select(parent).where(parent.in_(ordered[start:start + 900]))).scalars())
    return [v for v in ordered if v not in found][:5]


def _scanned(conn: Connection, table: Table, fk: ForeignKey, start: int, end: int) -> list[int]:
    """Values of ``fk`` in rows (start, end] with no parent row."""
    rowid = literal_column(f"{table.name}.rowid")
    child, parent = fk.parent, fk.column
    new_rows = select(child.label("value")).where(rowid > start, rowid <= end, child.is_not(None))
    if (end - start) * 4 > end:
        # most of the table is new: each distinct value once (an index on the column answers it)
        new_rows = new_rows.distinct()
    used = new_rows.subquery()
    orphan = select(used.c.value).where(~select(parent).where(parent == used.c.value).exists()).limit(5)
    return list(conn.execute(orphan).scalars())


def _violations(conn: Connection, before: dict[str, int], vouched: dict[str, list[tuple]]) -> list[str]:
    found = []
    after = _high_water(conn)
    for table in _tables_with_foreign_keys():
        start, end = before[table.name], after[table.name]
        if end == start:
            continue
        given = [entry for entry in vouched.get(table.name, ()) if start < entry[0] <= entry[1] <= end]
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            covering = sorted((first, last) for first, last, values in given if child.name in values)
            # the vouched rows: their distinct values; the rest of the new rows, row by row
            orphans = missing_parents(conn, parent, set().union(*(values[child.name] for _f, _l, values in given
                                                                   if child.name in values)))
            low = start
            for first, last in [*covering, (end + 1, end + 1)]:
                if first - 1 > low:
                    orphans.extend(_scanned(conn, table, fk, low, first - 1))
                low = max(low, last)
            found.extend(f"{table.name}.{child.name} = {value}: no such {parent.table.name}.{parent.name}"
                         for value in orphans[:5])
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
                vouched: dict[str, list[tuple]] = {}
                conn.info[_VOUCHED] = vouched
                yield conn
                problems = _violations(conn, before, vouched)
                if problems:
                    raise Conflict("foreign key violations in a bulk load, nothing stored: " + "; ".join(problems))
        finally:
            conn.info.pop(_VOUCHED, None)
            raw.execute("PRAGMA foreign_keys=ON")
