"""the change stream's outbox: change sets and consumer cursors; ids of the logs never reused (SQLite AUTOINCREMENT)

Revision ID: 0011_outbox
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_outbox'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_sets')),
    sqlite_autoincrement=True,
    )
    op.create_table('outbox_cursors',
    sa.Column('consumer', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('consumer', name=op.f('pk_outbox_cursors'))
    )
    if op.get_bind().dialect.name == "sqlite":  # rebuilt with AUTOINCREMENT: a deleted top id is never handed out again
        for table in ("feed_events", "cache_invalidations"):
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass


def downgrade() -> None:
    op.drop_table('outbox_cursors')
    op.drop_table('change_sets')
