"""match centre: team statistics' missing figures and their sources, lineup grid, formations, team profiles

Revision ID: 0011_matchcentre
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_matchcentre"
down_revision = "0011_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("team_match_stats") as batch:
        batch.add_column(sa.Column("shots_off_target", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("blocked_shots", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("tackles", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("figure_sources", sa.JSON(), nullable=True))
    with op.batch_alter_table("match_lineups") as batch:
        batch.add_column(sa.Column("grid", sa.String(length=8), nullable=True))
    op.create_table(
        "match_formations",
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("formation", sa.String(length=20), nullable=True),
        sa.Column("coach_name", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], name=op.f("fk_match_formations_match_id_matches"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("match_id", "side", name=op.f("pk_match_formations")),
    )
    op.create_table(
        "team_profiles",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=True),
        sa.Column("code", sa.String(length=10), nullable=True),
        sa.Column("crest_url", sa.String(length=500), nullable=True),
        sa.Column("founded", sa.Integer(), nullable=True),
        sa.Column("stadium", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("colours", sa.JSON(), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_profiles_team_id_teams"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "source", name=op.f("pk_team_profiles")),
    )


def downgrade() -> None:
    op.drop_table("team_profiles")
    op.drop_table("match_formations")
    with op.batch_alter_table("match_lineups") as batch:
        batch.drop_column("grid")
    with op.batch_alter_table("team_match_stats") as batch:
        for name in ("figure_sources", "tackles", "blocked_shots", "shots_off_target"):
            batch.drop_column(name)
