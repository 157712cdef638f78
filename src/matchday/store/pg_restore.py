"""PostgreSQL restore that never destroys: into a new database beside the store, verified, then switched in.

``pg_restore --clean`` into the live database would drop the store's tables before it knows the backup restores;
instead the backup goes into ``<db>_restoring``, is checked (a matchday store at a known schema version), and the
two databases swap names (the live one renamed aside first, renamed back if the second rename fails; dropped only
once the new one carries the name). Renaming a database needs no other session connected to it: a server still
running makes the restore stop with a message before anything changed.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from matchday.store.backup import CORE_TABLES, BackupError, _check_version

LibpqArgs = Callable[[URL], tuple[list[str], dict[str, str]]]
# A client that has just closed its connection leaves a backend that exits a moment later and is still listed in
# pg_stat_activity until then; PostgreSQL's own DROP/ALTER DATABASE wait up to 5 s for such backends, so do we.
LEAVING_SESSIONS_GRACE_S = 5.0


def _listed_tables(pg_restore: str, source: Path) -> set[str]:
    """The tables a custom-format archive holds (``pg_restore --list``); a damaged archive fails here."""
    result = subprocess.run([pg_restore, "--list", str(source)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{source} is damaged: {result.stderr.strip()}; the store is unchanged")
    tables = set()
    for line in result.stdout.splitlines():
        parts = line.split()
        if not line.startswith(";") and "TABLE" in parts and "DATA" not in parts:
            at = parts.index("TABLE")
            if len(parts) > at + 2:
                tables.add(parts[at + 2])
    return tables


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def restore_postgres(source: Path, url: URL, pg_restore: str, libpq: LibpqArgs) -> None:
    missing = [name for name in CORE_TABLES if name not in _listed_tables(pg_restore, source)]
    if missing:
        raise BackupError(f"{source} is a pg_dump archive but not of a matchday store (no table "
                          f"{', '.join(missing)}); the store is unchanged")
    live = url.database or "postgres"
    staging, aside = f"{live[:50]}_restoring", f"{live[:45]}_before_restore"
    admin_url = url.set(drivername="postgresql+psycopg", database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(staging)}")
            conn.exec_driver_sql(f"CREATE DATABASE {_quoted(staging)} TEMPLATE template0")
        try:
            args, env = libpq(url.set(database=staging))
            result = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
                                     "--exit-on-error", *args, str(source)],
                                    capture_output=True, text=True, env=env, check=False)
            if result.returncode != 0:
                raise BackupError(f"pg_restore of {source} failed: {result.stderr.strip()}; the store is unchanged")
            _verify(url.set(drivername="postgresql+psycopg", database=staging), source)
            _switch(admin, live, staging, aside)
        except BaseException:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(staging)}")
            raise
    except DBAPIError as exc:
        raise BackupError(f"PostgreSQL restore failed: {str(exc.orig or exc).strip()}; the store is unchanged") \
            from None
    finally:
        admin.dispose()


def _verify(staging_url: URL, source: Path) -> None:
    engine = create_engine(staging_url)
    try:
        with engine.connect() as conn:
            versions = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()
    _check_version(source, versions)


def _switch(admin, live: str, staging: str, aside: str) -> None:  # noqa: ANN001 - an AUTOCOMMIT engine
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": live}).first()
        if exists:
            others = _sessions_after_grace(conn, live)
            if others:
                raise BackupError(f"{others} session(s) are connected to the database {live}: stop the servers "
                                  f"and workers, then restore again; the store is unchanged")
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(aside)}")
            conn.exec_driver_sql(f"ALTER DATABASE {_quoted(live)} RENAME TO {_quoted(aside)}")
        try:
            conn.exec_driver_sql(f"ALTER DATABASE {_quoted(staging)} RENAME TO {_quoted(live)}")
        except DBAPIError:
            if exists:
                conn.exec_driver_sql(f"ALTER DATABASE {_quoted(aside)} RENAME TO {_quoted(live)}")
            raise
        if exists:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(aside)}")


def _sessions_after_grace(conn, database: str) -> int:  # noqa: ANN001 - an AUTOCOMMIT connection
    """The sessions connected to ``database`` once those that are just leaving have had time to go."""
    deadline = time.monotonic() + LEAVING_SESSIONS_GRACE_S
    while True:
        others = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                              {"d": database}).scalar_one()
        if not others or time.monotonic() >= deadline:
            return others
        time.sleep(0.1)
