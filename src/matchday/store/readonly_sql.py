"""Arbitrary SQL for an assistant, safely: a read-only connection that sees the football store only, a statement
timeout, a row cap and a byte cap.

The connection itself refuses writes (SQLite: the file opened ``mode=ro`` plus ``PRAGMA query_only``; PostgreSQL:
a ``READ ONLY`` transaction), so no statement, however phrased, can change the store. It reads the football
tables only: on SQLite an authorizer denies the users store's tables (they may share the file) and the
admin keys' hashes); on PostgreSQL the query runs as a separate login role granted SELECT on the football tables
only (``matchday mcp-role``), and a role that can read a secret table is refused. One statement per call; a query
running past the timeout is interrupted (SQLite: a progress handler; PostgreSQL: ``statement_timeout``); an answer
over the byte cap, or holding one value over the value cap, is refused with a message instead of being built.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from matchday.errors import MatchdayError
from matchday.store.schema import metadata

#: football tables an assistant may not read: admin keys' hashes (the users store's tables are all denied)
SECRET_TABLES = frozenset({"admin_api_keys"})


#: views over the football tables (made by migrations, not in ``metadata``): readable too
VIEWS = frozenset({"match_provenance"})


def readable_tables() -> frozenset[str]:
    """The football store's tables and views, less the secret ones: what the PostgreSQL assistant role is
    granted."""
    return frozenset(metadata.tables) - SECRET_TABLES | VIEWS | {"alembic_version"}


def denied_tables(users_tables: Iterable[str]) -> frozenset[str]:
    """What an assistant's query may never read: the users store's tables (it may share the file; the caller
    names them, so the store knows nothing of accounts) and the football store's secret ones. (SQLite's
    authorizer reports a CTE's name like a table's, so it denies these by name, case-insensitively, rather than
    allowing a list.)"""
    return frozenset(name.lower() for name in (*users_tables, *SECRET_TABLES, "alembic_version_users"))


class QueryRefused(MatchdayError):
    status_code = 400
    error_code = "QUERY_REFUSED"


@dataclass(frozen=True)
class QueryLimits:
    rows: int
    timeout_s: float
    answer_bytes: int = 1_000_000
    value_bytes: int = 100_000
    users_tables: frozenset[str] = frozenset()  # the users store's tables, never readable


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _size(value: Any) -> int:
    return len(value.encode()) if isinstance(value, str) else 24


def _one_statement(sql: str) -> str:
    statement = sql.strip().rstrip(";").strip()
    if not statement:
        raise QueryRefused("empty query")
    if ";" in statement and sqlite3.complete_statement(statement.split(";", 1)[0] + ";"):
        raise QueryRefused("one statement per query")
    return statement


def _collect(fetch_one: Any, limits: QueryLimits) -> tuple[list[list[Any]], bool]:
    """Rows until the row cap; refused as soon as one value or the whole answer is over its byte cap."""
    rows: list[list[Any]] = []
    total = 0
    while (row := fetch_one()) is not None:
        if len(rows) == limits.rows:
            return rows, True
        values = [_jsonable(v) for v in row]
        for value in values:
            if (size := _size(value)) > limits.value_bytes:
                raise QueryRefused(f"refused: a value of {size} bytes is over the {limits.value_bytes}-byte cap "
                                   f"per value; select a part of it (substr) or its length")
            total += size
        if total > limits.answer_bytes:
            raise QueryRefused(f"refused: the answer is over the {limits.answer_bytes}-byte cap; select fewer "
                               f"rows or columns (LIMIT, substr)")
        rows.append(values)
    return rows, False


def run_read_only(engine: Engine, sql: str, limits: QueryLimits) -> QueryResult:
    """Run one read-only statement on ``engine`` (on PostgreSQL: the assistant's read-only role's engine)."""
    statement = _one_statement(sql)
    if engine.dialect.name == "sqlite":
        return _sqlite(engine, statement, limits)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            if engine.dialect.name == "postgresql":
                _refuse_secret_reader(conn, limits.users_tables)
                conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                             {"ms": str(int(limits.timeout_s * 1000))})
            result = conn.execution_options(stream_results=True, max_row_buffer=100).exec_driver_sql(statement)
            if not result.returns_rows:
                raise QueryRefused("the query returns no rows")
            columns = list(result.keys())
            try:
                rows, truncated = _collect(result.fetchone, limits)
            finally:
                result.close()
            conn.rollback()
    except DBAPIError as exc:
        raise QueryRefused(_reason(exc)) from None
    return QueryResult(columns, rows, truncated)


def _refuse_secret_reader(conn: Any, users_tables: frozenset[str]) -> None:
    """The role must not be able to read the users store or the admin keys (it is the owner's, or a superuser)."""
    secret = sorted(SECRET_TABLES | set(users_tables))
    readable = conn.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = current_schema() AND c.relname = ANY(:names) "
        "AND has_table_privilege(c.oid, 'SELECT')"), {"names": secret}).scalars().all()
    if readable:
        raise QueryRefused(f"refused: the assistant's database role can read {', '.join(readable)}; set "
                           f"MATCHDAY_MCP_DATABASE_URL to a read-only role of the football tables only "
                           f"(create it with `matchday mcp-role`)")


def _reason(exc: DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "read-only" in message.lower() or "readonly" in message.lower() or "query_only" in message.lower():
        return f"refused: the connection is read-only ({message})"
    if "permission denied" in message.lower():
        return f"refused: the assistant reads the football tables only ({message})"
    return message


_READ_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE})


def _authorizer(denied: frozenset[str]) -> Any:
    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        """Reading only (no ATTACH, no pragma that sets anything), and never a users or secret table."""
        if action == sqlite3.SQLITE_READ:
            return sqlite3.SQLITE_DENY if (arg1 or "").lower() in denied else sqlite3.SQLITE_OK
        if action in _READ_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg2 is None):
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


def _sqlite(engine: Engine, statement: str, limits: QueryLimits) -> QueryResult:
    database = engine.url.database
    if not database or database == ":memory:":
        raise QueryRefused("db_query needs a file database")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=limits.timeout_s)
    deadline = time.monotonic() + limits.timeout_s
    connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    # no string or blob longer than the value cap is ever built (printf('%.*c', 200000000, 'x') fails at once)
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.value_bytes)
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.set_authorizer(_authorizer(denied_tables(limits.users_tables)))
        cursor = connection.execute(statement)
        if cursor.description is None:
            raise QueryRefused("the query returns no rows")
        columns = [d[0] for d in cursor.description]
        rows, truncated = _collect(cursor.fetchone, limits)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryRefused(f"stopped after the {limits.timeout_s:g} s statement timeout") from None
        message = str(exc)
        if any(word in message for word in ("readonly", "read-only", "query_only", "not authorized", "prohibited")):
            message = (f"refused: the connection only reads, and only the football tables ({message})")
        raise QueryRefused(message) from None
    except sqlite3.DataError as exc:
        raise QueryRefused(f"refused: a value is over the {limits.value_bytes}-byte cap per value ({exc})") from None
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not authorized" in message or "prohibited" in message:
            message = f"refused: the connection only reads, and only the football tables ({message})"
        raise QueryRefused(message) from None
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise QueryRefused(str(exc)) from None
    finally:
        connection.close()
    return QueryResult(columns, rows, truncated)
