"""Where the users store lives: its own database when MATCHDAY_USERS_DATABASE_URL is set, else the football
store's. Migrations run from their own environment (``accounts/migrations``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from matchday.settings import Settings
from matchday.store.engine import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def users_engine(settings: Settings, football: Engine) -> Engine:
    """The users store's engine: ``football`` itself when no separate database is configured."""
    return make_engine(settings.users_database_url) if settings.users_database_url else football


def upgrade_users(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
