"""reference data providers list: countries, venues (and the ground each team plays at), player profiles, squads
per season, injuries per match

Revision ID: 0012_providers
Revises: 0011_matchcentre
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_providers"
down_revision = "0011_matchcentre"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=True),
        sa.Column("flag_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source", "name", name=op.f("pk_countries")),
    )
    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("surface", sa.String(length=40), nullable=True),
        sa.Column("image_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_venues_source_external_id")),
    )
    op.create_table(
        "team_venues",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("team_venues", "team_id", "teams", "CASCADE"),
        _fk("team_venues", "venue_id", "venues", "CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "source", name=op.f("pk_team_venues")),
    )
    op.create_table(
        "player_profiles",
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("nationality", sa.String(length=100), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("height_cm", sa.Integer(), nullable=True),
        sa.Column("weight_kg", sa.Integer(), nullable=True),
        sa.Column("photo_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("player_profiles", "player_id", "players", "CASCADE"),
        sa.PrimaryKeyConstraint("player_id", "source", name=op.f("pk_player_profiles")),
    )
    op.create_table(
        "squad_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(length=4), nullable=True),
        sa.Column("shirt_number", sa.Integer(), nullable=True),
        sa.Column("appearances", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("squad_members", "team_id", "teams", "CASCADE"),
        _fk("squad_members", "player_id", "players", "CASCADE"),
        _fk("squad_members", "season_id", "seasons", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_squad_members")),
    )
    op.create_index(op.f("ix_squad_members_team_id"), "squad_members", ["team_id"])
    op.create_index(op.f("ix_squad_members_player_id"), "squad_members", ["player_id"])
    op.create_table(
        "injuries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("match_key", sa.String(length=40), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("player_name", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("kickoff_utc", sa.DateTime(), nullable=True),
        sa.Column("season_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("injuries", "player_id", "players", "CASCADE"),
        _fk("injuries", "team_id", "teams", "CASCADE"),
        _fk("injuries", "season_id", "seasons", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injuries")),
        sa.UniqueConstraint("source", "match_key", "player_id", name=op.f("uq_injuries_source_match_key_player_id")),
    )
    op.create_index(op.f("ix_injuries_match_key"), "injuries", ["match_key"])
    op.create_index(op.f("ix_injuries_team_id"), "injuries", ["team_id"])


def downgrade() -> None:
    for name in ("injuries", "squad_members", "player_profiles", "team_venues", "venues", "countries"):
        op.drop_table(name)
