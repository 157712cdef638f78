"""The database's clock for leases: processes on several hosts compare one clock, not each their own.

On PostgreSQL the lease deadlines are written and compared in the server's time (naive UTC, like every stored
timestamp); SQLite is a file on this host, so its clock is this host's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, text


def db_now(conn: Connection) -> datetime:
    """The current time, naive UTC, by the database's clock."""
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT now() AT TIME ZONE 'utc'")).scalar_one()
    return datetime.now(UTC).replace(tzinfo=None)
