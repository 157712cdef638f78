"""Arbitrary SQL for an assistant, safely: a read-only connection, a statement timeout and a row cap.

The connection itself refuses writes (SQLite: the file opened ``mode=ro`` plus ``PRAGMA query_only``; PostgreSQL:
a ``READ ONLY`` transaction), so no statement, however phrased, can change the store. One statement per call; a
query running past the timeout is interrupted (SQLite: a progress handler; PostgreSQL: ``statement_timeout``).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from matchday.errors import MatchdayError


class QueryRefused(MatchdayError):
    status_code = 400
    error_code = "QUERY_REFUSED"


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


def _one_statement(sql: str) -> str:
    statement = sql.strip().rstrip(";").strip()
    if not statement:
        raise QueryRefused("empty query")
    if ";" in statement and sqlite3.complete_statement(statement.split(";", 1)[0] + ";"):
        raise QueryRefused("one statement per query")
    return statement


def run_read_only(engine: Engine, sql: str, row_limit: int, timeout_s: float) -> QueryResult:
    statement = _one_statement(sql)
    if engine.dialect.name == "sqlite":
        return _sqlite(engine, statement, row_limit, timeout_s)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                             {"ms": str(int(timeout_s * 1000))})
            result = conn.exec_driver_sql(statement)
            if not result.returns_rows:
                raise QueryRefused("the query returns no rows")
            columns = list(result.keys())
            rows = result.fetchmany(row_limit + 1)
            conn.rollback()
    except DBAPIError as exc:
        raise QueryRefused(_reason(exc)) from None
    return QueryResult(columns, [[_jsonable(v) for v in r] for r in rows[:row_limit]], len(rows) > row_limit)


def _reason(exc: DBAPIError) -> str:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "read-only" in message.lower() or "readonly" in message.lower() or "query_only" in message.lower():
        return f"refused: the connection is read-only ({message})"
    return message


_READ_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                           sqlite3.SQLITE_RECURSIVE})


def _reads_only(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    """SQLite authorizer: reading only (no ATTACH, no pragma that sets anything), besides the read-only file."""
    if action in _READ_ACTIONS or (action == sqlite3.SQLITE_PRAGMA and arg2 is None):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _sqlite(engine: Engine, statement: str, row_limit: int, timeout_s: float) -> QueryResult:
    database = engine.url.database
    if not database or database == ":memory:":
        raise QueryRefused("db_query needs a file database")
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=timeout_s)
    deadline = time.monotonic() + timeout_s
    connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        connection.execute("PRAGMA query_only = ON")
        connection.set_authorizer(_reads_only)
        cursor = connection.execute(statement)
        if cursor.description is None:
            raise QueryRefused("the query returns no rows")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(row_limit + 1)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise QueryRefused(f"stopped after the {timeout_s:g} s statement timeout") from None
        message = str(exc)
        if any(word in message for word in ("readonly", "read-only", "query_only", "not authorized")):
            message = f"refused: the connection is read-only ({message})"
        raise QueryRefused(message) from None
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not authorized" in message:
            message = f"refused: the connection only reads ({message})"
        raise QueryRefused(message) from None
    except (sqlite3.Error, SQLAlchemyError) as exc:
        raise QueryRefused(str(exc)) from None
    finally:
        connection.close()
    return QueryResult(columns, [[_jsonable(v) for v in r] for r in rows[:row_limit]], len(rows) > row_limit)
