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
    http_deadline_s: float = Field(30.0, gt=0, description="Longest one download may take, all retries included; "
                                   "then it fails with a message.")
    http_user_agent: str = Field(
        "matchday/0.1 (+https://github.com/matchday)", description="User-Agent sent to providers."
    )
    max_input_bytes: int = Field(100_000_000, ge=1, description="Largest input file accepted by `matchday load`, "
                                 "in bytes once decompressed (a gzip bomb stops here, not in memory).")
    max_line_chars: int = Field(65_536, ge=80, description="Longest line of a CSV input, in characters; a longer "
                                "line is quarantined as a row, the rest of the file loads.")
    load_run_lease_s: float = Field(21_600.0, gt=0, description="A load run still `running` after this many "
                                    "seconds is marked `interrupted` at the next start (on its own host, a run "
                                    "whose process is gone is marked at once).")
    redis_url: str | None = Field(
        None, validation_alias=AliasChoices("MATCHDAY_REDIS_URL", "REDIS_URL"),
        description="Redis URL (redis://host:6379/0). When set, the response cache and the live pub/sub live in "
                    "Redis, shared by every server process; unset, everything stays in-process.",
    )
    cache_max_bytes: int = Field(64 * 1024 * 1024, ge=1024 * 1024, description="In-process response cache: most "
                                 "bytes it holds (oldest answers leave first); Redis is bounded by its maxmemory.")
    cache_recheck_s: float = Field(1.0, gt=0, description="With Redis, writers push the write log's position to "
                                   "every API process after each commit (waiting for nobody), so cache hits ask "
                                   "nothing; each process also reads the log in the background this often: the "
                                   "bound on staleness for a writer that died between its commit and its "
                                   "announcement, or runs without MATCHDAY_REDIS_URL.")
    cache_builders: int = Field(4, ge=1, le=64, description="Answers one API process computes at once (cache "
                                "misses); the other requests that miss wait their turn. Building an answer is "
                                "mostly Python, so more at once only take turns on the interpreter lock, and 40 "
                                "of them starved the event loop.")
    host: str = Field("127.0.0.1", description="Address `matchday serve` listens on.")
    port: int = Field(8000, description="Port `matchday serve` listens on.")
    http_header_timeout_s: float = Field(10.0, gt=0, description="`matchday serve`: close a connection whose "
                                         "request head (line and headers) is not complete within this (408).")
    http_max_head_bytes: int = Field(65_536, ge=1024, description="`matchday serve`: largest request head, in "
                                     "bytes (431 beyond).")
    trusted_proxies: str = Field("127.0.0.1", description="`matchday serve`: comma-separated addresses or networks "
                                 "(CIDR) of the reverse proxies in front of it, whose X-Forwarded-For and "
                                 "X-Forwarded-Proto are believed: the client is the right-most address not in this "
                                 "list (the one your own proxy saw). `*` is refused: a client could then pick its "
                                 "own address and escape the login limits. uvicorn's FORWARDED_ALLOW_IPS is "
                                 "ignored.")
    http_keep_alive_s: int = Field(5, ge=1, description="`matchday serve`: close a kept-alive connection idle "
                                   "for this long between requests.")
    ws_queue_size: int = Field(256, description="WebSocket: messages queued per client before it counts as too "
                                                "slow and is disconnected.")
    ws_max_channels: int = Field(50, description="WebSocket: channels one connection may subscribe to.")
    ws_idle_timeout_s: float = Field(120.0, description="WebSocket: close a connection silent for this long.")
    ws_heartbeat_s: float = Field(25.0, description="WebSocket: seconds between heartbeat messages.")
    ws_max_queue_bytes: int = Field(1_048_576, ge=4096, description="WebSocket: bytes queued per client before "
                                    "it is disconnected as too slow (4008), whatever the message count.")
    ws_send_timeout_s: float = Field(30.0, gt=0, description="WebSocket: a client whose socket has taken nothing "
                                     "for this long (it stopped reading) is disconnected (4008).")
    ws_ping_interval_s: float = Field(20.0, gt=0, description="WebSocket: protocol ping interval; a client that "
                                      "does not answer within the same time is closed (1011).")
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
    login_rate_limit: str = Field("10/minute", description="Failed logins per client address and account "
                                                           "(`limits` notation, e.g. 10/minute): past it that "
                                                           "address is refused (429) for that account, while the "
                                                           "owner's correct password from another address still "
                                                           "signs in; a username and its email are one account.")
    login_address_rate_limit: str = Field("30/minute", description="Login attempts per client address, whatever "
                                                                   "the account (`limits` notation).")
    register_rate_limit: str = Field("5/minute", description="Registrations per client address (`limits` notation).")
    password_reset_rate_limit: str = Field("5/hour", description="Password-reset requests per client address and "
                                           "per email address typed (`limits` notation); an unknown address counts "
                                           "the same as a known one.")
    password_reset_minutes: int = Field(60, ge=5, le=1440, description="A password-reset link works once, for "
                                        "this many minutes.")
    email_verify_hours: int = Field(48, ge=1, le=720, description="An email-verification link works once, for "
                                    "this many hours.")
    public_url: str | None = Field(None, description="The address people reach this server at "
                                   "(https://matchday.example), for the links in emails; unset: the address a "
                                   "request came in on, and for reminders http://MATCHDAY_HOST:MATCHDAY_PORT.")
    smtp_host: str | None = Field(None, description="SMTP server for emails (password reset, verification, "
                                  "reminders); unset: no email is sent, the reset request answers 503 and "
                                  "`matchday users reset-link` prints a link instead.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP server port (587 STARTTLS, 465 TLS, 25 plain).")
    smtp_user: str | None = Field(None, description="SMTP login name; unset: no login.")
    smtp_password: str | None = Field(None, description="SMTP password (from the environment "
                                      "MATCHDAY_SMTP_PASSWORD or the .env file; never logged).")
    smtp_from: str = Field("matchday <matchday@localhost>", description="The From address of every email.")
    smtp_tls: str = Field("starttls", pattern="^(starttls|ssl|none)$", description="SMTP encryption: `starttls` "
                          "(upgrade a plain connection; refused if the server cannot), `ssl` (TLS from the "
                          "start, port 465) or `none` (a local relay only).")
    smtp_timeout_s: float = Field(20.0, gt=0, description="Timeout of one SMTP connection, seconds.")
    reminder_minutes: int = Field(1440, ge=0, le=20160, description="Prediction reminders: a member who has not "
                                  "predicted every match of a round is reminded this long before the round's "
                                  "first kick-off (a prediction league may set its own); 0: no reminders.")
    reminder_check_s: float = Field(300.0, gt=0, description="Seconds between looks for due reminders (the "
                                    "embedded scheduler; Celery beat runs the same task on this schedule).")
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS (e.g. https://app.example); "
                                              "empty: CORS closed.")
    outbox_poll_s: float = Field(1.0, gt=0, description="Seconds between looks at the change stream's outbox by a "
                                 "serving process's publisher, for writes committed by other processes (its own "
                                 "writes wake it at once).")
    outbox_keep_s: float = Field(86400.0, gt=0, description="Seconds delivered feed events and change sets are "
                                 "kept before the maintenance job prunes them.")
    cache_log_keep_s: float = Field(3600.0, gt=0, description="Seconds the cache-invalidation log keeps a write's "
                                    "tags; an API process further behind than this flushes its whole cache.")
    job_runs_keep_days: float = Field(30.0, gt=0, description="Days of job and load run records the maintenance "
                                      "job keeps.")
    archive_keep_days: float = Field(90.0, gt=0, description="Days the raw archive keeps provider response bodies "
                                     "(`matchday archive prune`, and the maintenance job); the collector design's "
                                     "figure.")
    maintenance_s: float = Field(300.0, gt=0, description="Seconds between maintenance runs of the embedded "
                                 "scheduler (retention pruning); Celery beat runs the same task on its own "
                                 "schedule.")
    vapid_key_file: Path = Field(Path("var/vapid-private-key.pem"), description="Web Push: the server's VAPID "
                                 "private key (PEM, P-256), made on the first `matchday serve` or `matchday init` "
                                 "(or `matchday push-keys`) and kept, mode 0600; never printed or served. Every API "
                                 "process and Celery worker must read the same file.")
    vapid_subject: str = Field("mailto:admin@localhost", pattern=r"^(mailto:.+@.+|https://.+)$",
                               description="Web Push: the contact push services see in every push's VAPID "
                                           "token (`mailto:` address or `https:` URL of the site's operator).")
    push_ttl_s: int = Field(900, ge=0, le=86400, description="Web Push: seconds a push service keeps a "
                            "notification for a browser that is offline before dropping it.")
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

    @model_validator(mode="after")
    def _config_folder(self) -> Settings:
        """``MATCHDAY_CONFIG_DIR``: its ``jobs/`` is the jobs folder (its ``api.yaml`` is applied by the collector,
        ``ingest.config_files.with_api_file``); settings given explicitly still win."""
        if self.config_dir is not None and "jobs_dir" not in self.model_fields_set:
            self.jobs_dir = self.config_dir / "jobs"
        return self

    @model_validator(mode="after")
    def _refuse_trusting_everyone(self) -> Settings:
        entries = [entry.strip() for entry in self.trusted_proxies.split(",") if entry.strip()]
        if "*" in entries or any(entry in ("0.0.0.0/0", "::/0") for entry in entries):
            raise ValueError("MATCHDAY_TRUSTED_PROXIES must list your reverse proxies' own addresses, not every "
                             "address: trusting any sender's X-Forwarded-For lets a client choose the address the "
                             "login limits count")
        return self

    @property
    def development(self) -> bool:
        return self.environment == "development"

    # ---- the collector: API providers, jobs, quotas, retries, breakers, admin, MCP ----
    api_football_key: str | None = Field(None, description="API-Football (api-sports.io) key, sent as "
                                                           "`x-apisports-key`; never stored or logged.")
    api_football_base_url: str = Field("https://v3.football.api-sports.io", description="API-Football v3 base URL.")
    football_data_org_token: str | None = Field(None, description="football-data.org v4 token, sent as "
                                                                  "`X-Auth-Token`.")
    football_data_org_base_url: str = Field("https://api.football-data.org/v4",
                                            description="football-data.org v4 base URL.")
    espn_base_url: str = Field("https://site.api.espn.com/apis/site/v2/sports/soccer",
                               description="ESPN site API base URL (soccer scoreboard and summary; no key).")
    sofascore_base_url: str = Field("https://api.sofascore.com/api/v1",
                                    description="SofaScore API base URL (a scraped source, off by default).")
    understat_base_url: str = Field("https://understat.com", description="Understat base URL (scraped pages, "
                                                                         "off by default).")
    provider_max_bytes: dict[str, int] = Field(
        {"*": 20_000_000}, description="Largest answer read from a provider API, in bytes, per provider name, `*` "
        "for the rest (JSON, e.g. `{\"*\": 20000000, \"api-football\": 50000000}`); a larger one fails the request "
        "with a message instead of filling memory.")
    provider_deadline_s: float = Field(60.0, gt=0, description="Longest one request to a provider API may take, "
                                       "its whole body included (a server dripping bytes is cut off); then it "
                                       "counts as a timeout and is retried.")
    jobs_dir: Path = Field(Path("config/jobs"), description="Folder of the collector's job files (`*.yaml`) and "
                                                            "its `providers.yaml` (quotas and priority thresholds).")
    config_dir: Path | None = Field(None, description="The collector design's `config/` folder: its `jobs/` is the "
                                                      "jobs folder (unless `MATCHDAY_JOBS_DIR` is set), its "
                                                      "`api.yaml` gives API-Football's base URL, key variable, "
                                                      "timeout and plan, its `coverage.yaml` the coverage "
                                                      "targets (see the README's collector section).")
    collect_in_serve: bool = Field(True, description="Run the collector's scheduler inside `matchday serve` when "
                                                     "the jobs folder has enabled jobs.")
    http_backoff_s: float = Field(1.0, description="Collector retries: base of the exponential backoff (seconds, "
                                                   "with jitter) after a timeout, connection error, 429 or 5xx.")
    http_backoff_max_s: float = Field(60.0, description="Collector retries: longest wait between two attempts, "
                                                        "`Retry-After` included.")
    breaker_fail_max: int = Field(5, description="Circuit breaker: failed attempts in a row on one provider "
                                                 "endpoint before it opens and calls fail fast.")
    breaker_reset_s: float = Field(60.0, description="Circuit breaker: seconds open before one trial call "
                                                     "(half-open).")
    quota_wait_max_s: float = Field(5.0, description="Wait at most this long for the per-minute quota to free a "
                                                     "request; longer waits give up (the job is retried later).")
    job_retry_s: float = Field(60.0, description="A failed or quota-skipped job is retried after this long "
                                                 "(doubling per failure, at most one hour).")
    job_lease_s: float = Field(900.0, description="A running job holds its lease this long at most (so a "
                                                  "crashed run never blocks the job for good).")
    scheduler_tick_s: float = Field(1.0, description="How often the collector's scheduler looks for due jobs.")
    mcp_row_limit: int = Field(500, description="MCP `db_query`: most rows returned by one query.")
    mcp_statement_timeout_s: float = Field(5.0, description="MCP `db_query`: a query running longer is stopped.")
    mcp_max_answer_bytes: int = Field(1_000_000, ge=1024, description="MCP `db_query`: largest answer, in bytes "
                                      "(text values counted as UTF-8); a query whose answer is larger is refused "
                                      "with a message.")
    mcp_max_value_bytes: int = Field(100_000, ge=1024, description="MCP `db_query`: largest single value, in "
                                     "bytes; a longer one is refused (on SQLite it is never even built).")
    mcp_database_url: str | None = Field(
        None, description="MCP `db_query` on PostgreSQL: URL of the read-only role that sees the football tables "
                          "only (`matchday mcp-role` creates it and prints this URL). Required there; on SQLite "
                          "unset (the query's connection denies every other table itself).")
    worker_visibility_timeout_s: float = Field(
        600.0, description="Celery workers: a job taken by a worker that dies (never acknowledged) is delivered again "
                           "to another worker after this many seconds; keep it above your longest job.")


@lru_cache
def get_settings() -> Settings:
    return Settings()
