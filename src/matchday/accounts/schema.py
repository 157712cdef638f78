"""The users store: accounts, sessions, favorites and prediction leagues (DESIGN.md §11).

Its own ``MetaData`` and its own migration environment (``accounts/migrations``, version table
``alembic_version_users``), because it may live in another database (``MATCHDAY_USERS_DATABASE_URL``). Nothing
here has a foreign key into the football store: matches, teams and competitions are referred to by id only,
and nothing in the football store refers to a user.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

users_metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SCORES_STATUSES = ("outdata", "syncing", "up-to-date")


def _now(name: str) -> Column:
    return Column(name, DateTime, nullable=False, server_default=func.current_timestamp())


users = Table(
    "users", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("email_key", String(254), nullable=False, unique=True),  # lower-cased: unique case-insensitively
    Column("username", String(40), nullable=False),
    Column("username_key", String(40), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("full_name", String(200)),
    Column("timezone", String(64), nullable=False, server_default="UTC"),
    Column("language", String(16), nullable=False, server_default="en"),
    Column("role", String(8), nullable=False, server_default="user"),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    Column("is_premium", Boolean, nullable=False, server_default="0"),
    _now("created_at"),
    Column("password_changed_at", DateTime),
    Column("email_verified_at", DateTime),  # set when a verification (or reset) link sent to the address is used
    Column("reminders_enabled", Boolean, nullable=False, server_default="1"),  # prediction reminders (opt-out)
    CheckConstraint("role IN ('user', 'admin')", name="role"),
)

# Single-use links sent by email (password reset, email verification): only the SHA-256 of the token is stored,
# so a copy of the database opens no account; a token works once (``used_at``) and until ``expires_at``.
account_tokens = Table(
    "account_tokens", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(8), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("email", String(254), nullable=False),  # the address the link went to
    _now("created_at"),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
    CheckConstraint("purpose IN ('reset', 'verify')", name="purpose"),
)

# One row per session: a refresh-token family. Only ``current_jti`` may be exchanged; presenting an older
# token of the family is reuse (a stolen token) and revokes the whole family.
user_sessions = Table(
    "user_sessions", users_metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("current_jti", String(36), nullable=False),
    _now("created_at"),
    Column("last_used_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("revoked_reason", String(40)),
    Column("user_agent", String(300)),
    Column("client_address", String(64)),
)

favorites = Table(
    "favorites", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("entity_type", String(8), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("name", String(200), nullable=False),  # as the football store named it when added
    Column("notification_enabled", Boolean, nullable=False, server_default="1"),
    _now("added_at"),
    UniqueConstraint("user_id", "entity_type", "entity_id"),
    Index("ix_favorites_entity_type_entity_id", "entity_type", "entity_id"),
    CheckConstraint("entity_type IN ('team', 'league')", name="entity_type"),
)

prediction_leagues = Table(
    "prediction_leagues", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("owner_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("competition_id", Integer, nullable=False),
    Column("season", String(16), nullable=False),
    Column("scoring", JSON, nullable=False),  # the rules as data (domain.prediction_scoring.ScoringRules)
    Column("visibility", String(8), nullable=False),
    Column("invite_code", String(16), nullable=False, unique=True),
    Column("participants_scores_status", String(10), nullable=False, server_default="up-to-date"),
    Column("sync_token", String(36)),  # who holds the scoring lease
    Column("sync_lease_until", DateTime),
    Column("scores_updated_at", DateTime),
    Column("reminder_minutes", Integer),  # remind members this long before a round's first kick-off (None: global)
    _now("created_at"),
    CheckConstraint("visibility IN ('private', 'public')", name="visibility"),
    CheckConstraint("participants_scores_status IN ('outdata', 'syncing', 'up-to-date')", name="scores_status"),
    Index("ix_prediction_leagues_competition_id_season", "competition_id", "season"),
)

prediction_league_members = Table(
    "prediction_league_members", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    _now("joined_at"),
    UniqueConstraint("prediction_league_id", "user_id"),
)

# Keyed by (prediction league, match, user) and, on SQLite, stored in that order (WITHOUT ROWID): rescoring a
# round touches the round's rows in a few contiguous pages instead of one row in every page of the table.
predictions = Table(
    "predictions", users_metadata,
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), primary_key=True),
    Column("match_id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("round_number", Integer, nullable=False),  # the match's round (0: none), copied at prediction time
    Column("home_goals", Integer, nullable=False),
    Column("away_goals", Integer, nullable=False),
    Column("joker", Boolean, nullable=False, server_default="0"),
    _now("created_at"),
    _now("updated_at"),
    # set by scoring: points (joker applied) and which rule scored (exact | difference | tendency | miss)
    Column("points", Integer),
    Column("outcome", String(10)),
    Index("ix_predictions_prediction_league_id_user_id", "prediction_league_id", "user_id"),
    sqlite_with_rowid=False,
    # PostgreSQL: room in each page, so rescoring (points and outcome are in no index) updates rows in place
    # ("HOT" updates) instead of writing every index again
    postgresql_with={"fillfactor": 70},
)

# The results each prediction league was last scored on, copied from the football store by its scoring job (the
# users store may be another database; only the job holding the league's lease writes its rows): the set-based
# recompute joins predictions with these rows.
match_results = Table(
    "match_results", users_metadata,
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), primary_key=True),
    Column("match_id", Integer, primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    Column("finish", String(16)),
    Column("home_goals", Integer),
    Column("away_goals", Integer),
    Column("home_goals_90", Integer),
    Column("away_goals_90", Integer),
    Column("home_penalties", Integer),
    Column("away_penalties", Integer),
    # closing decimal odds of 1/X/2 in hundredths (2.37 -> 237), for the odds-scaled preset (None: not stored)
    Column("odds_home", Integer),
    Column("odds_draw", Integer),
    Column("odds_away", Integer),
    Column("updated_at", DateTime, nullable=False),
)

# Matches whose results changed since a prediction league was last scored (match_id 0: rescore everything).
# The scoring job takes and deletes them; a mark arriving mid-sync leaves its row for the next run.
scoring_queue = Table(
    "scoring_queue", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("match_id", Integer, nullable=False),
    _now("queued_at"),
)

bonus_questions = Table(
    "bonus_questions", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("kind", String(12), nullable=False),
    Column("question", String(200), nullable=False),
    Column("points", Integer, nullable=False),
    Column("deadline", DateTime, nullable=False),
    Column("correct_answer", String(200)),
    _now("created_at"),
    CheckConstraint("kind IN ('champion', 'top_scorer', 'custom')", name="kind"),
)

bonus_answers = Table(
    "bonus_answers", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("question_id", ForeignKey("bonus_questions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("answer", String(200), nullable=False),
    _now("answered_at"),
    UniqueConstraint("question_id", "user_id"),
)

# The leaderboard, materialised by the scoring job: one row per member and round, recomputed set-wise from
# ``predictions`` (bonus points are added when the leaderboard is read).
prediction_scores = Table(
    "prediction_scores", users_metadata,
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("round_number", Integer, primary_key=True),
    Column("points", Integer, nullable=False),
    Column("exact", Integer, nullable=False),
    Column("differences", Integer, nullable=False),
    Column("tendencies", Integer, nullable=False),
    Column("note", Text),
)

# One row per reminder per member, round and channel: the claim that makes a reminder go out once, whichever
# process (server, collector, Celery worker) finds it due first. ``status``: claimed (being sent; retaken when
# ``claimed_at`` is older than the claim lease), sent, or failed (retried up to a few attempts).
reminder_claims = Table(
    "reminder_claims", users_metadata,
    Column("prediction_league_id", ForeignKey("prediction_leagues.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("round_number", Integer, primary_key=True, autoincrement=False),
    Column("channel", String(16), primary_key=True),
    Column("status", String(8), nullable=False),
    Column("claim_token", String(36), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("claimed_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("error", String(300)),
    CheckConstraint("status IN ('claimed', 'sent', 'failed')", name="status"),
)

# What a user is told of about their favourites (domain.notifications.KINDS); no row: every kind.
notification_settings = Table(
    "notification_settings", users_metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kinds", JSON, nullable=False),  # a sorted list of kinds
    Column("updated_at", DateTime, nullable=False),
)

# A browser's Web Push subscription (PushSubscription.toJSON()): its push service's endpoint and the keys the
# payload is encrypted for. Deleted when the push service answers 404 or 410 (the subscription expired).
push_subscriptions = Table(
    "push_subscriptions", users_metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("endpoint", String(2048), nullable=False),
    Column("endpoint_key", String(64), nullable=False, unique=True),  # sha256 of the endpoint: an indexable key
    Column("p256dh", String(200), nullable=False),
    Column("auth", String(100), nullable=False),
    Column("user_agent", String(300)),
    _now("created_at"),
    Column("last_sent_at", DateTime),
)
