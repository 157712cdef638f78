"""SQLAlchemy 2.0 schema of the canonical model (DESIGN.md §4).

Core ``Table`` objects: bulk ingest writes through Core, reads are explicit queries. A naming convention
makes constraint names identical on SQLite and PostgreSQL, so Alembic migrations work on both.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _created() -> Column:
    return Column("created_at", DateTime, nullable=False, server_default=func.current_timestamp())


competitions = Table(
    "competitions", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("country", String(100)),
    Column("kind", String(20), nullable=False),  # league | cup | international
    Column("calendar_year", Boolean, nullable=False, default=False),
    _created(),
)

seasons = Table(
    "seasons", metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(16), nullable=False),
    UniqueConstraint("competition_id", "label"),
)

teams = Table(
    "teams", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(100)),
    # where the display name comes from: "alias-file" or a source (the most trusted one that named it wins)
    Column("name_source", String(40)),
    _created(),
)

team_aliases = Table(
    "team_aliases", metadata,
    Column("id", Integer, primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("scope", String(100), nullable=False),  # the team's country, or "" when unknown
    Column("normalized", String(200), nullable=False),
    Column("alias", String(200), nullable=False),
    UniqueConstraint("scope", "normalized"),
)

players = Table(
    "players", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("normalized", String(200), nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="SET NULL"), index=True),
    UniqueConstraint("normalized", "team_id"),
)

matches = Table(
    "matches", metadata,
    Column("id", Integer, primary_key=True),
    Column("competition_id", ForeignKey("competitions.id"), nullable=False),
    Column("season_id", ForeignKey("seasons.id"), nullable=False),
    # identity within the season: "stage|home-away" in leagues, "stage|date|home-away" in cups
    Column("match_key", String(120), nullable=False),
    Column("stage", String(60), nullable=False),
    Column("round", String(60)),
    Column("round_number", Integer),
    Column("match_date", Date),
    Column("kickoff_utc", DateTime),
    Column("status", String(16), nullable=False),
    Column("period", String(16)),
    Column("finish", String(16)),
    Column("minute", Integer),
    Column("home_team_id", ForeignKey("teams.id"), nullable=False, index=True),
    Column("away_team_id", ForeignKey("teams.id"), nullable=False, index=True),
    Column("home_goals", Integer),
    Column("away_goals", Integer),
    Column("home_goals_ht", Integer),
    Column("away_goals_ht", Integer),
    Column("home_goals_et", Integer),
    Column("away_goals_et", Integer),
    Column("home_penalties", Integer),
    Column("away_penalties", Integer),
    Column("venue", String(200)),
    Column("referee", String(120)),
    Column("attendance", Integer),
    Column("neutral", Boolean, nullable=False, default=False),
    Column("attributes", JSON, nullable=False, default=dict),
    Column("last_checked_at", DateTime),
    Column("attention", String(200)),  # why the live scheduler stopped polling it and wants a person to look
    Column("updated_at", DateTime, nullable=False, server_default=func.current_timestamp()),
    # hash of the last bulk statement about the match, NULL once anything else changed it (store/content_hash.py)
    Column("content_hash", BigInteger),
    # provenance of a match only one source described, kept in the row instead of a match_sources row
    # (store/provenance_rows.py): that source, its fields mask and when; NULL once match_sources holds the rows
    Column("first_source", String(40)),
    Column("first_fields", Integer),
    Column("first_seen_at", DateTime),
    _created(),
    UniqueConstraint("season_id", "match_key"),
    Index("ix_matches_match_date", "match_date"),
)

# Provenance (DESIGN.md §9): one row per source that described a match (a new match keeps its only source in
# matches.first_* instead, until a merge changes its claims; readers take both through ``store.provenance_rows``).
# ``fields`` is the bit mask (over domain.merge.FIELDS) of what the source gave; ``dissent`` the values it gave
# that differ from the stored ones (NULL when it agrees on everything), so each source's claim is known without
# storing it twice.
match_sources = Table(
    "match_sources", metadata,
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("fields", Integer, nullable=False),
    Column("dissent", JSON),
    Column("seen_at", DateTime, nullable=False),  # when this source's claim last changed
)

# Sources disagreeing on a settled result: the stored (chosen) one and the other, open until they agree.
match_conflicts = Table(
    "match_conflicts", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("field", String(20), nullable=False),
    Column("chosen_source", String(40), nullable=False),
    Column("chosen_value", String(60), nullable=False),
    Column("other_source", String(40), nullable=False),
    Column("other_value", String(60), nullable=False),
    Column("first_seen_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    UniqueConstraint("match_id", "field", "other_source"),
)

match_events = Table(
    "match_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("side", String(4), nullable=False),
    Column("minute", Integer),
    Column("added_minute", Integer),
    Column("player_id", ForeignKey("players.id", ondelete="SET NULL")),
    Column("player_name", String(200)),
    Column("source", String(40)),  # the source these events of the match come from (the most trusted giving them)
    UniqueConstraint("match_id", "seq"),
)

match_lineups = Table(
    "match_lineups", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("side", String(4), nullable=False),
    Column("player_id", ForeignKey("players.id", ondelete="SET NULL")),
    Column("player_name", String(200), nullable=False),
    Column("starter", Boolean, nullable=False),
    Column("position", String(4)),
    Column("shirt_number", Integer),
    Column("source", String(40)),
    Column("grid", String(8)),  # "row:column" on the pitch (API-Football: 1:1 is the goalkeeper)
)

# A side's formation and coach in one match (API-Football lineups), from the most trusted source giving them.
match_formations = Table(
    "match_formations", metadata,
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("side", String(4), primary_key=True),
    Column("formation", String(20)),
    Column("coach_name", String(200)),
    Column("source", String(40)),
)

team_match_stats = Table(
    "team_match_stats", metadata,
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True),
    Column("side", String(4), primary_key=True),
    Column("shots", Integer),
    Column("shots_on_target", Integer),
    Column("corners", Integer),
    Column("fouls", Integer),
    Column("yellow_cards", Integer),
    Column("red_cards", Integer),
    Column("offsides", Integer),
    Column("woodwork", Integer),
    Column("booking_points", Integer),
    Column("source", String(40)),
    Column("possession", Float),
    Column("expected_goals", Float),
    Column("passes", Integer),
    Column("passes_accurate", Integer),
    Column("saves", Integer),
    Column("shots_off_target", Integer),
    Column("blocked_shots", Integer),
    Column("tackles", Integer),
    # figure -> the source that gave it (figures are merged from several sources, figure by figure)
    Column("figure_sources", JSON),
)

# What a provider says about a team beyond its name: crest (the provider's URL: its terms allow linking, not
# copying), short name, code, founding year, stadium, capacity, colours. One row per source; served merged by
# source precedence, each field with the source it came from.
team_profiles = Table(
    "team_profiles", metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("short_name", String(100)),
    Column("code", String(10)),
    Column("crest_url", String(500)),
    Column("founded", Integer),
    Column("stadium", String(200)),
    Column("capacity", Integer),
    Column("city", String(100)),
    Column("colours", JSON),  # ["#rrggbb", ...], first = home shirt
    Column("website", String(300)),
    Column("updated_at", DateTime, nullable=False),
)

# ---- reference data providers list (API-Football /countries, /venues, /players, /injuries), per source --------
countries = Table(
    "countries", metadata,
    Column("source", String(40), primary_key=True),
    Column("name", String(100), primary_key=True),
    Column("code", String(10)),
    Column("flag_url", String(500)),
    Column("updated_at", DateTime, nullable=False),
)

venues = Table(
    "venues", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("external_id", String(40), nullable=False),  # the provider's venue id
    Column("name", String(200), nullable=False),
    Column("address", String(300)),
    Column("city", String(100)),
    Column("country", String(100)),
    Column("capacity", Integer),
    Column("surface", String(40)),
    Column("image_url", String(500)),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("source", "external_id"),
)

# the ground a team plays at, as each source says (read from the most trusted source)
team_venues = Table(
    "team_venues", metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("venue_id", ForeignKey("venues.id", ondelete="CASCADE"), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

player_profiles = Table(
    "player_profiles", metadata,
    Column("player_id", ForeignKey("players.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("nationality", String(100)),
    Column("birth_date", Date),
    Column("height_cm", Integer),
    Column("weight_kg", Integer),
    Column("photo_url", String(500)),
    Column("updated_at", DateTime, nullable=False),
)

# a team's squad per season (season_id NULL: the source's current squad of the team), per source
squad_members = Table(
    "squad_members", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("player_id", ForeignKey("players.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("season_id", ForeignKey("seasons.id", ondelete="CASCADE")),
    Column("position", String(4)),
    Column("shirt_number", Integer),
    Column("appearances", Integer),
    Column("updated_at", DateTime, nullable=False),
)

# a player out of (or in doubt for) a match; the match by the provider's fixture id (it may be loaded later)
injuries = Table(
    "injuries", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("match_key", String(40), nullable=False, index=True),
    Column("player_id", ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("player_name", String(200), nullable=False),
    Column("status", String(10), nullable=False),  # out | doubtful
    Column("reason", String(200)),
    Column("kickoff_utc", DateTime),
    Column("season_id", ForeignKey("seasons.id", ondelete="SET NULL")),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("source", "match_key", "player_id"),
)


# Shots with pitch coordinates and xG (Understat, ...), per source: each source's list is kept whole.
shots = Table(
    "shots", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("side", String(4), nullable=False),
    Column("minute", Integer),
    Column("player_id", ForeignKey("players.id", ondelete="SET NULL")),
    Column("player_name", String(200)),
    Column("x", Float),
    Column("y", Float),
    Column("xg", Float),
    Column("result", String(20), nullable=False),
    Column("situation", String(20)),
    Column("body_part", String(20)),
    Column("assist_name", String(200)),
    UniqueConstraint("match_id", "source", "seq"),
)

# One player's figures in one match, per source.
player_match_stats = Table(
    "player_match_stats", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("source", String(40), nullable=False),
    Column("side", String(4), nullable=False),
    Column("player_id", ForeignKey("players.id", ondelete="SET NULL")),
    Column("player_name", String(200), nullable=False),
    Column("minutes", Integer),
    Column("position", String(4)),
    Column("shirt_number", Integer),
    Column("substitute", Boolean),
    Column("rating", Float),
    Column("goals", Integer),
    Column("assists", Integer),
    Column("shots", Integer),
    Column("shots_on_target", Integer),
    Column("expected_goals", Float),
    Column("expected_assists", Float),
    Column("key_passes", Integer),
    Column("passes", Integer),
    Column("yellow_cards", Integer),
    Column("red_cards", Integer),
    Column("attributes", JSON, nullable=False, default=dict),
)

# Tables as a provider publishes them: never mixed with the tables matchday computes, compared with them.
published_standings = Table(
    "published_standings", metadata,
    Column("id", Integer, primary_key=True),
    Column("season_id", ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(40), nullable=False),
    Column("group_name", String(120), nullable=False),  # "" for a single table
    Column("position", Integer, nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("team_name", String(200), nullable=False),  # as the provider names it
    Column("played", Integer),
    Column("won", Integer),
    Column("drawn", Integer),
    Column("lost", Integer),
    Column("goals_for", Integer),
    Column("goals_against", Integer),
    Column("goal_difference", Integer),
    Column("points", Integer),
    Column("form", String(20)),
    Column("description", String(200)),
    Column("provider_updated_at", DateTime),
    Column("stored_at", DateTime, nullable=False),
    UniqueConstraint("season_id", "source", "group_name", "team_id"),
)

# Top scorers as a provider publishes them.
published_scorers = Table(
    "published_scorers", metadata,
    Column("id", Integer, primary_key=True),
    Column("season_id", ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(40), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("player_id", ForeignKey("players.id", ondelete="SET NULL")),
    Column("player_name", String(200), nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("goals", Integer, nullable=False),
    Column("assists", Integer),
    Column("penalties", Integer),
    Column("appearances", Integer),
    Column("minutes", Integer),
    Column("expected_goals", Float),
    Column("expected_assists", Float),
    UniqueConstraint("season_id", "source", "rank"),
)

odds_quotes = Table(
    "odds_quotes", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(40), nullable=False),
    Column("bookmaker", String(40), nullable=False),
    Column("market", String(20), nullable=False),
    Column("closing", Boolean, nullable=False),
    Column("line", Float),
    Column("price_home", Float),
    Column("price_draw", Float),
    Column("price_away", Float),
    Column("price_over", Float),
    Column("price_under", Float),
    Column("captured_at", DateTime),
    UniqueConstraint("match_id", "source", "bookmaker", "market", "closing"),
)

external_ids = Table(
    "external_ids", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("entity", String(20), nullable=False),  # competition | team | match | player
    Column("external_id", String(200), nullable=False),
    Column("internal_id", Integer, nullable=False),
    UniqueConstraint("source", "entity", "external_id"),
    Index("ix_external_ids_entity_internal_id", "entity", "internal_id"),
)

point_deductions = Table(
    "point_deductions", metadata,
    Column("id", Integer, primary_key=True),
    Column("season_id", ForeignKey("seasons.id", ondelete="CASCADE"), nullable=False),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
    Column("points", Integer, nullable=False),  # positive = taken away, negative = given back on appeal
    Column("effective_date", Date),
    Column("reason", Text, nullable=False),
    UniqueConstraint("season_id", "team_id", "points", "reason"),
)

load_runs = Table(
    "load_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(40), nullable=False),
    Column("location", Text, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # running | ok | failed | interrupted
    Column("rows_read", Integer, nullable=False, default=0),
    Column("matches_new", Integer, nullable=False, default=0),
    Column("matches_changed", Integer, nullable=False, default=0),
    Column("matches_unchanged", Integer, nullable=False, default=0),
    Column("rows_quarantined", Integer, nullable=False, default=0),
    Column("duration_s", Float),
    Column("error", Text),
    Column("pid", Integer),  # the loading process: a run still "running" whose process is gone was interrupted
    Column("host", String(255)),
)

quarantined_rows = Table(
    "quarantined_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("load_run_id", ForeignKey("load_runs.id", ondelete="SET NULL")),
    Column("source", String(40), nullable=False),
    Column("location", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("field", String(120), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw_text", Text, nullable=False),
    _created(),
    Index("ix_quarantined_rows_source_location", "source", "location"),
)

# Every write transaction that changes data appends the cache tags it touched; API processes read this log
# (cheaply, by id) before answering, so no cached answer outlives a write, whichever process wrote.
# The change stream's logs are read by position (cursors, API processes): an id is never handed out twice, even
# after the rows at the top were deleted (SQLite's AUTOINCREMENT; PostgreSQL's sequences never go back).
cache_invalidations = Table(
    "cache_invalidations", metadata,
    Column("id", Integer, primary_key=True),
    Column("tag", String(80), nullable=False),
    _created(),
    sqlite_autoincrement=True,
)

# The live feed's outbox: events derived from a write are stored in the write's transaction and published
# after it commits, in id order; published_at marks them sent, so none is lost or sent twice by a restart.
feed_events = Table(
    "feed_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("match_id", ForeignKey("matches.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(20), nullable=False),
    Column("channels", JSON, nullable=False),
    Column("payload", JSON, nullable=False),
    _created(),
    Column("published_at", DateTime),
    UniqueConstraint("match_id", "seq"),
    Index("ix_feed_events_published_at", "published_at"),
    sqlite_autoincrement=True,
)

# The change stream's outbox (DESIGN §13): every write appends what it changed in its own transaction. A change
# set names the matches (or whole seasons) whose results may have moved; feed_events above hold the feed's
# messages. Subscribers read past their cursor, one process at a time per consumer (a lease), so a row is delivered
# once and in order; rows every consumer has passed are pruned by the maintenance job.
change_sets = Table(
    "change_sets", metadata,
    Column("id", Integer, primary_key=True),
    Column("results", JSON, nullable=False),  # {"matches": [id, ...], "seasons": [season id, ...]}
    _created(),
    sqlite_autoincrement=True,
)

outbox_cursors = Table(
    "outbox_cursors", metadata,
    Column("consumer", String(40), primary_key=True),
    Column("position", Integer, nullable=False, default=0, server_default="0"),
    Column("owner", String(120)),
    Column("lease_until", DateTime),
)

# Scheduled jobs (live polling): what ran, when, how long, how many items, how it ended.
job_runs = Table(
    "job_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("job", String(80), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("duration_s", Float),
    Column("items", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # running | ok | failed | retried | skipped
    Column("error", Text),
    # collector jobs (jobs as data): which job definition, provider and priority, what started it, its log
    Column("job_type", String(20)),  # static_bootstrap | incremental_daily | live_loop | backfill | live
    Column("provider", String(40)),
    Column("priority", String(10)),
    Column("trigger", String(20)),  # schedule | manual | api | retry | dependency
    Column("requests", Integer, nullable=False, default=0, server_default="0"),
    Column("log", JSON),  # [{"at", "level", "message"}], shown by the admin API's crawl logs
    Index("ix_job_runs_job_started_at", "job", "started_at"),
    Index("ix_job_runs_status", "status"),
)

# ---- the collector (DESIGN.md §10): RAW archive, job registry, coverage (MART), admin keys -----------------

# RAW: every response body a provider sent, compressed, stored once per content hash (sha256 of the body)
raw_bodies = Table(
    "raw_bodies", metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("encoding", String(10), nullable=False),  # gzip
    Column("size", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
    _created(),
)

# one row per response received: the request (never the key), status, headers (auth removed), when, which body
raw_responses = Table(
    "raw_responses", metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(40), nullable=False),
    Column("endpoint", String(60), nullable=False),
    Column("params", JSON, nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("fetched_at", DateTime, nullable=False),
    Column("content_hash", ForeignKey("raw_bodies.content_hash"), nullable=False, index=True),
    Column("job_run_id", Integer),
    # pending | ok | failed (the parser refused it: kept, listed) | error (an error body: not data) | skipped
    Column("parse_status", String(10), nullable=False, default="pending"),
    Column("parse_error", Text),
    Column("parsed_at", DateTime),
    Index("ix_raw_responses_provider_fetched_at", "provider", "fetched_at"),
    Index("ix_raw_responses_parse_status", "parse_status"),
)

# the job files as the collector last loaded them, with per-job runtime state (lease, retry, last outcome)
job_definitions = Table(
    "job_definitions", metadata,
    Column("job_id", String(120), primary_key=True),
    Column("provider", String(40), nullable=False),
    Column("job_type", String(20), nullable=False),
    Column("priority", String(10), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("lease_until", DateTime),  # a run holds the job until then: never twice at once, across processes
    Column("lease_owner", String(80)),
    Column("retry_at", DateTime),  # a failed or skipped run is retried from then on
    Column("failures", Integer, nullable=False, default=0, server_default="0"),
    Column("skipped", Integer, nullable=False, default=0, server_default="0"),
    Column("last_run_id", Integer),
    Column("last_status", String(16)),
    Column("last_success_at", DateTime),
    Column("updated_at", DateTime, nullable=False, server_default=func.current_timestamp()),
)

# MART: coverage per competition, season and endpoint, recomputed after each job run
coverage = Table(
    "coverage", metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", String(120), nullable=False),
    Column("provider", String(40), nullable=False),
    Column("endpoint", String(60), nullable=False),
    Column("competition", String(64), nullable=False),  # canonical code, or the provider's league key
    Column("season", String(16), nullable=False),
    Column("count", Integer, nullable=False),
    Column("min_count", Integer),
    Column("lag_minutes", Float),
    Column("max_lag_minutes", Float),
    Column("completeness", Float),  # share of required fields present, 0..1
    Column("missing_fields", JSON, nullable=False),
    Column("status", String(10), nullable=False),  # ok | warning | critical
    Column("computed_at", DateTime, nullable=False),
    UniqueConstraint("job_id", "competition", "season", "endpoint"),
)

# admin API keys: only the SHA-256 of the key is stored (keys are 256-bit random tokens); shown once
admin_api_keys = Table(
    "admin_api_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(12), nullable=False),
    _created(),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)
