"""Settings: one pydantic-settings class, environment variables prefixed ``MATCHDAY_``.

Every field is documented in the README's configuration reference (a test checks it).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: the secret used when none is configured; accepted only with MATCHDAY_ENVIRONMENT=development
DEVELOPMENT_SECRET = "matchday-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHDAY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///var/matchday.db",
        description="SQLAlchemy URL of the store: a SQLite file (default) or postgresql://user:pass@host/db.",
    )
    cache_dir: Path = Field(
        Path("var/cache"),
        description="Where downloaded provider files are kept (raw, as received) so a re-load needs no network.",
    )
    football_data_uk_base_url: str = Field(
        "https://www.football-data.co.uk", description="Base URL for football-data.co.uk downloads."
    )
    openfootball_base_url: str = Field(
        "https://raw.githubusercontent.com/openfootball",
        description="Base URL for openfootball downloads (the repositories' raw files).",
    )
    http_timeout_s: float = Field(20.0, description="Timeout in seconds for one HTTP request to a provider.")
    http_retries: int = Field(3, description="Attempts per HTTP request before giving up (exponential backoff).")
    http_user_agent: str = Field(
        "matchday/0.1 (+https://github.com/matchday)", description="User-Agent sent to providers."
    )
    redis_url: str | None = Field(
        None, validation_alias=AliasChoices("MATCHDAY_REDIS_URL", "REDIS_URL"),
        description="Redis URL (redis://host:6379/0). When set, the response cache and the live pub/sub live in "
                    "Redis, shared by every server process; unset, everything stays in-process.",
    )
    host: str = Field("127.0.0.1", description="Address `matchday serve` listens on.")
    port: int = Field(8000, description="Port `matchday serve` listens on.")
    ws_queue_size: int = Field(256, description="WebSocket: messages queued per client before it counts as too "
                                                "slow and is disconnected.")
    ws_max_channels: int = Field(50, description="WebSocket: channels one connection may subscribe to.")
    ws_idle_timeout_s: float = Field(120.0, description="WebSocket: close a connection silent for this long.")
    ws_heartbeat_s: float = Field(25.0, description="WebSocket: seconds between heartbeat messages.")
    ws_max_lifetime_s: float = Field(3600.0, description="WebSocket: after this long a connection is asked to "
                                                         "reconnect (message `reconnect`) and closed.")
    log_level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING, ERROR.")
    log_json: bool = Field(False, description="Write logs as JSON lines (for production) instead of console text.")
    environment: str = Field("development", description="development | production. Outside development a real "
                                                        "MATCHDAY_SECRET_KEY is required and cookies are Secure.")
    secret_key: str = Field(DEVELOPMENT_SECRET, description="Signs access and refresh tokens (JWT, HS256) and CSRF "
                                                            "tokens: at least 32 characters; required outside "
                                                            "development.")
    users_database_url: str | None = Field(
        None, description="SQLAlchemy URL of the users store (accounts, favorites, prediction leagues); unset: the "
                          "football store's database.")
    access_token_minutes: int = Field(15, ge=1, le=1440, description="Lifetime of an access token, minutes.")
    refresh_token_days: int = Field(30, ge=1, le=365, description="Lifetime of a session (refresh-token family), "
                                                                  "days.")
    login_rate_limit: str = Field("10/minute", description="Login attempts per client address and per account "
                                                           "(`limits` notation, e.g. 10/minute).")
    register_rate_limit: str = Field("5/minute", description="Registrations per client address (`limits` notation).")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS (e.g. https://app.example); "
                                              "empty: CORS closed.")
    scoring_sweep_s: float = Field(300.0, description="Seconds between sweeps that re-score prediction leagues whose "
                                                      "scores are out of date (the embedded scheduler).")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.environment != "development" and (self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32):
            raise ValueError(
                f"MATCHDAY_SECRET_KEY must be set to a random value of at least 32 characters when "
                f"MATCHDAY_ENVIRONMENT={self.environment!r} (the built-in development secret is refused); "
                f"generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        return self

    @property
    def development(self) -> bool:
        return self.environment == "development"


@lru_cache
def get_settings() -> Settings:
    return Settings()
