"""load run owner (process id and host), so a run whose process died is marked interrupted

Revision ID: 0008
Revises: 0005a
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0005a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('load_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('load_runs', schema=None) as batch_op:
        batch_op.drop_column('host')
        batch_op.drop_column('pid')
