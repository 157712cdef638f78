"""Bulk inserts: the driver's own ``executemany`` on SQLite, SQLAlchemy Core's batched insert elsewhere.

SQLAlchemy's per-row parameter processing costs more than SQLite itself on large loads (measured here:
raw executemany ~330k rows/s, Core ~92k). On SQLite the values are converted the way SQLAlchemy stores
them (ISO dates, JSON text, 0/1 booleans) so reads through SQLAlchemy see exactly what Core would write.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Table, insert
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:  # frames come from the bulk path only: the record path never imports polars
    import polars as pl


def _memoised(convert: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """Dates repeat (a round shares its date, a load its ``updated_at``): format each distinct value once."""
    seen: dict[Any, str | None] = {None: None}

    def cached(value: Any) -> str | None:
        try:
            return seen[value]
        except KeyError:
            seen[value] = text = convert(value)
            return text

    return cached


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, DateTime):
        return _memoised(lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f"))
    if isinstance(column_type, Date):
        return _memoised(date.isoformat)
    if isinstance(column_type, JSON):
        return lambda v: None if v is None else json.dumps(v) if v else "{}" if isinstance(v, dict) else json.dumps(v)
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


COPY_FROM = 1000  # PostgreSQL: this many rows or more go in with one COPY


def _copy_rows(conn: Connection, table: Table, names: Sequence[str], rows: Sequence[tuple]) -> None:
    """PostgreSQL: ``rows`` with one ``COPY`` (psycopg's executemany sends one INSERT per row); JSON values as
    their text, a None as NULL (as on SQLite). A driver error is raised as SQLAlchemy's, as ``execute`` would."""
    import psycopg  # here: a SQLite store never loads the PostgreSQL driver

    json_at = [index for index, name in enumerate(names) if isinstance(table.c[name].type, JSON)]
    sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for index in json_at:
                        row[index] = None if row[index] is None else json.dumps(row[index])
                copy.write_row(row)
    except psycopg.Error as exc:
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc
    finally:
        cursor.close()


def insert_rows(conn: Connection, table: Table, names: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples of the columns ``names``) in one executemany (on PostgreSQL, many in one COPY)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        _copy_rows(conn, table, names, rows)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    columns: list[Any] = list(zip(*rows, strict=True))
    for index, name in enumerate(names):
        convert = _sqlite_converter(table.c[name].type)
        if convert:
            columns[index] = map(convert, columns[index])
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def sequence_ids(conn: Connection, table: str, count: int) -> list[int]:
    """PostgreSQL: ``count`` ids from ``table``'s id sequence in one round trip, ascending (for rows inserted with
    their ids given: a bulk load's matches, its new teams)."""
    # the sequence's name written into the statement: looked up per id it costs 7 times the nextval itself
    name = conn.exec_driver_sql("SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table}).scalar_one()
    literal_name = "'" + name.replace("'", "''") + "'"
    return sorted(conn.exec_driver_sql(  # one array, not one result row per id
        f"SELECT array_agg(nextval({literal_name}::regclass)) FROM generate_series(1, %(n)s)",
        {"n": count}).scalar_one())


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts, all with the same keys) in one executemany."""
    if rows:
        names = tuple(rows[0])
        insert_rows(conn, table, names, [tuple(row[name] for name in names) for row in rows])


def copy_frame(conn: Connection, table: str, rows: pl.DataFrame) -> None:
    """PostgreSQL: COPY ``rows`` into ``table`` as CSV: polars writes it, the server parses it; no row passes
    through Python."""
    buffer = io.BytesIO()
    rows.write_csv(buffer, include_header=False, quote_style="non_numeric", datetime_format="%Y-%m-%d %H:%M:%S.%6f")
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(rows.columns)}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
    finally:
        cursor.close()


def fetch_tuples(conn: Connection, query: Any) -> list[tuple]:
    """Rows as plain tuples straight from the driver (no per-row result objects: these are whole seasons). Only
    integer ids and names are bound in these queries, so they are written into the statement: an ``IN`` list of
    any length is one statement (in chunks, a unit of two thousand seasons scanned the table once per chunk)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()
