"""Apply the Alembic migrations shipped in the package (``matchday init``, and every command that opens a store).

A store already at the newest migration is the common case: every CLI command checks it. That check reads the
version table and compares it with the heads of the shipped migration files (their revision lines); Alembic itself
(a quarter of a second of imports) is loaded only when there is something to apply.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, folder: Path = MIGRATIONS) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(folder))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@cache
def shipped_heads(folder: Path) -> frozenset[str]:
    """The revisions no shipped migration of ``folder`` builds on, from each file's ``revision`` and
    ``down_revision`` lines (``tests/store/test_migrations.py`` holds them to Alembic's own answer)."""
    revisions: set[str] = set()
    below: set[str] = set()
    for path in (folder / "versions").glob("*.py"):
        for name, value in _ASSIGNED.findall(path.read_text("utf-8")):
            said = ast.literal_eval(value)
            if name == "revision":
                revisions.add(said)
            elif said:
                below.update(said if isinstance(said, tuple | list) else [said])
    return frozenset(revisions - below)


def at_heads(engine: Engine, version_table: str, folder: Path) -> bool:
    """True when the store's ``version_table`` names exactly the shipped heads (a store with no version table, or
    one that cannot be read, is not)."""
    try:
        with engine.connect() as conn:
            stored = set(conn.execute(text(f"SELECT version_num FROM {version_table}")).scalars())
    except DBAPIError:
        return False
    return stored == shipped_heads(folder)


def upgrade_to_head(engine: Engine, folder: Path = MIGRATIONS, version_table: str = "alembic_version") -> None:
    """Apply ``folder``'s migrations that the store lacks (its ``env.py`` names the version table)."""
    if at_heads(engine, version_table, folder):
        return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False), folder)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def upgrade(engine: Engine) -> None:
    """The football store's migrations."""
    upgrade_to_head(engine)
