"""One raw sqlite3 connection per serving process that watches a SQLite store file for commits.

``PRAGMA data_version`` on a connection changes whenever any *other* connection, in any process, commits to the
file; reading it costs microseconds and, in WAL mode, never blocks. The response cache reads it before each hit
(the write log is read only when it moved) and the live hub before reusing a snapshot, both in the event loop,
so the process keeps one such connection, owned by the loop, and closes it at shutdown.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine


class SqliteWatch:
    def __init__(self, database: str) -> None:
        self.database = database
        self._conn: sqlite3.Connection | None = None
        self._opened = 0  # connections opened so far: a new one's data_version says nothing about the last one's

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:  # first use, or the first after a close (an app whose lifespan runs again)
            self._conn = sqlite3.connect(self.database, check_same_thread=False, isolation_level=None)
            self._opened += 1
        return self._conn

    @classmethod
    def open(cls, engine: Engine) -> SqliteWatch | None:
        """A watch on ``engine``'s store file; None for any other store (PostgreSQL, in-memory or URI SQLite)."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
            return None
        return cls(database)

    def data_version(self) -> int:
        """A number that changes with every commit another connection makes to the file (and with every reopening
        of the watch's connection, whose own count starts afresh)."""
        version = self._connection().execute("PRAGMA data_version").fetchone()[0]
        return (self._opened << 40) + version

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """A small read on the watch's connection (autocommit: it sees the last committed state)."""
        return self._connection().execute(sql, params).fetchall()

    def close(self) -> None:
        """Release the connection (a later use opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
