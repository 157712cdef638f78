"""PostgreSQL: the assistant's own login role, allowed to SELECT the football tables and nothing else.

``matchday mcp`` runs ``db_query`` through this role (``MATCHDAY_MCP_DATABASE_URL``), so the users store (hashes,
emails, sessions, predictions before kick-off) and the admin keys' hashes are out of its reach whatever SQL it
is given: PostgreSQL itself refuses ("permission denied"), and ``set_config('role', ...)`` cannot widen a login
role's rights. Re-running re-grants (new football tables included) and sets a new password.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from matchday.errors import ConfigError
from matchday.store.readonly_sql import readable_tables

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant(engine: Engine, role: str) -> str:
    """Create (or update) ``role`` and return the URL of a connection as it, a new random password in it."""
    if engine.dialect.name != "postgresql":
        raise ConfigError("an assistant role is for PostgreSQL stores; on SQLite db_query denies every table "
                          "outside the football store by itself")
    if not _ROLE_NAME.match(role):
        raise ConfigError(f"role name {role!r}: lower-case letters, digits and _ only")
    password = secrets.token_urlsafe(24)
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        verb = "ALTER" if exists else "CREATE"
        conn.exec_driver_sql(f'{verb} ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT '
                             f"PASSWORD '{password}'")
        conn.exec_driver_sql(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
        present = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s UNION "
                                        "SELECT viewname FROM pg_views WHERE schemaname = :s"),
                                   {"s": schema}).scalars())
        for table in sorted(readable_tables() & present):
            conn.exec_driver_sql(f'GRANT SELECT ON "{schema}"."{table}" TO "{role}"')
    url = make_url(engine.url.render_as_string(hide_password=False)).set(username=role, password=password)
    return url.render_as_string(hide_password=False)
