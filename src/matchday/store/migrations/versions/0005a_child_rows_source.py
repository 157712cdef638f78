"""the source of each match's events, lineups and statistics (a less trusted source never replaces them)

Revision ID: 0005a
Revises: 0005
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0005a'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('match_events', 'match_lineups', 'team_match_stats')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('source', sa.String(length=40), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('source')
