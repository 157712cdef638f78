"""Backups of the store: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.

SQLite's backup API copies a consistent snapshot page by page while the server keeps reading and writing (WAL
mode): a backup taken under load holds every transaction committed before it finished and none half-written.
PostgreSQL's ``pg_dump`` runs in one repeatable-read transaction, so its dump is one consistent snapshot too;
it is written in the custom format that ``pg_restore`` reads (compressed, restorable table by table).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from matchday.errors import ConfigError, MatchdayError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(MatchdayError):
    error_code = "BACKUP_FAILED"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str  # sqlite | postgresql
    bytes: int


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise ConfigError("an in-memory SQLite store cannot be backed up or restored")
    return Path(url.database)


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the server's major version when pg_config knows it, else the one on PATH."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if bindir and (Path(bindir) / name).exists():
            return str(Path(bindir) / name)
    found = shutil.which(name)
    if not found:
        raise ConfigError(f"{name} is not installed: install the PostgreSQL client tools (postgresql-client)")
    return found


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools; the password travels in the environment, never argv."""
    args = ["--dbname", url.database or "postgres"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def backup(database_url: str, target: Path) -> BackupResult:
    """Write a consistent copy of the store to ``target`` (a new file; an existing one is replaced whole)."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if url.get_backend_name() == "sqlite":
        source_path = _sqlite_path(url)
        if not source_path.is_file():
            raise BackupError(f"{source_path}: no such database file")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            # one step: one read transaction on the source, which in WAL mode never blocks the writers (a stepwise
            # copy would restart each time another connection writes, and might never finish under load)
            source.backup(copy)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite backup of {source_path} failed: {exc}") from exc
        finally:
            copy.close()
            source.close()
        kind = "sqlite"
    elif url.get_backend_name() == "postgresql":
        args, env = _libpq(url)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial),
              *args], env)
        kind = "postgresql"
    else:
        raise ConfigError(f"backups support SQLite and PostgreSQL, not {url.get_backend_name()}")
    partial.replace(target)  # the target appears only once complete
    return BackupResult(target, kind, target.stat().st_size)


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: cannot read: {exc}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a matchday backup (neither a SQLite database nor a pg_dump custom archive)")


#: tables every matchday store has had since its first migration: a file without them is not a matchday store
CORE_TABLES = ("alembic_version", "competitions", "seasons", "teams", "matches")


def known_revisions() -> frozenset[str]:
    """Every migration this version ships: a backup at one of them can be brought up to date."""
    from alembic.script import ScriptDirectory

    from matchday.store.migrate import alembic_config

    return frozenset(script.revision for script in ScriptDirectory.from_config(alembic_config("sqlite://"))
                     .walk_revisions())


def _check_sqlite_store(path: Path) -> None:
    """Raise BackupError unless ``path`` is an intact SQLite file holding a matchday store at a known migration."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from None
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise BackupError(f"{path} is damaged (integrity check: {'; '.join(problems)}); the store is unchanged")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [name for name in CORE_TABLES if name not in tables]
        if missing:
            raise BackupError(f"{path} is a SQLite file but not a matchday store (no table {', '.join(missing)}); "
                              f"the store is unchanged")
        versions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is damaged ({exc}); the store is unchanged") from None
    finally:
        connection.close()
    _check_version(path, versions)


def _check_version(where: object, versions: list[str]) -> None:
    if len(versions) != 1 or versions[0] not in known_revisions():
        raise BackupError(f"{where}: its schema version {versions or 'none'} is not one this matchday knows (a "
                          f"newer release's backup, or not a matchday store); the store is unchanged")


def restore(source: Path, database_url: str) -> BackupResult:
    """Replace the store at ``database_url`` with the backup at ``source`` (same kind of database).

    Stop the servers and workers first: the store is replaced whole. The backup is verified first (intact, a
    matchday store at a known schema version), restored into a new database beside the store, verified again,
    and only then swapped in (SQLite: one rename of the file; PostgreSQL: two renames of databases). A restore
    that fails at any step leaves the store exactly as it was.
    """
    kind = _kind_of(source)
    url = make_url(database_url)
    backend = url.get_backend_name()
    if kind != backend:
        raise BackupError(f"{source} is a {kind} backup; the store at {url.render_as_string(hide_password=True)} "
                          f"is {backend}")
    if kind == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
    else:
        from matchday.store.pg_restore import restore_postgres

        restore_postgres(source, url, _pg_tool("pg_restore"), _libpq)
    return BackupResult(source, kind, source.stat().st_size)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _restore_sqlite(source: Path, target_path: Path) -> None:
    _check_sqlite_store(source)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    staging = target_path.with_name(target_path.name + ".restoring")
    sidecars = [Path(f"{staging}-wal"), Path(f"{staging}-shm"), Path(f"{staging}-journal")]
    _remove(staging, *sidecars)
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        copy = sqlite3.connect(staging)
        try:
            backup_db.backup(copy)
        finally:
            copy.close()
            backup_db.close()
        _check_sqlite_store(staging)  # the copy itself, before it replaces anything
        if target_path.exists():
            # the live store's WAL is folded into it and emptied, so no stale WAL is ever applied to the new file
            live = sqlite3.connect(target_path, timeout=30)
            try:
                busy, _log, _done = live.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                live.close()
            if busy:
                raise BackupError(f"{target_path} is in use (a server or worker is writing to it): stop them "
                                  f"and restore again; the store is unchanged")
        _remove(Path(f"{target_path}-wal"), Path(f"{target_path}-shm"))
        os.replace(staging, target_path)  # atomic: the old store or the new one, never a mix
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore into {target_path} failed: {exc}; the store is unchanged") from exc
    finally:
        _remove(staging, *sidecars)
