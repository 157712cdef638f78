"""matches.content_hash: the hash of the last bulk statement about a match (store/content_hash.py)

Revision ID: 0011_speed
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_speed'
down_revision = '0011_outbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('matches', sa.Column('content_hash', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite >= 3.35): a batch copy of matches would drop the old table, and with it, by
    # ON DELETE CASCADE, every row that refers to a match
    op.drop_column('matches', 'content_hash')
