"""Where the users store lives: its own database when MATCHDAY_USERS_DATABASE_URL is set, else the football
store's. Migrations run from their own environment (``accounts/migrations``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from matchday.settings import Settings
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade_to_head

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_users"  # its own, so it can share the football database


def users_engine(settings: Settings, football: Engine) -> Engine:
    """The users store's engine: ``football`` itself when no separate database is configured."""
    return make_engine(settings.users_database_url) if settings.users_database_url else football


def upgrade_users(engine: Engine) -> None:
    upgrade_to_head(engine, MIGRATIONS, VERSION_TABLE)
