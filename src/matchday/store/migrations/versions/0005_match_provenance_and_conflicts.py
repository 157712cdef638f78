"""match provenance (match_sources), result conflicts (match_conflicts), team name source

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'match_sources',
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('fields', sa.Integer(), nullable=False),
        sa.Column('dissent', sa.JSON(), nullable=True),
        sa.Column('seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_match_sources_match_id_matches'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('match_id', 'source', name=op.f('pk_match_sources')),
    )
    op.create_table(
        'match_conflicts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=20), nullable=False),
        sa.Column('chosen_source', sa.String(length=40), nullable=False),
        sa.Column('chosen_value', sa.String(length=60), nullable=False),
        sa.Column('other_source', sa.String(length=40), nullable=False),
        sa.Column('other_value', sa.String(length=60), nullable=False),
        sa.Column('first_seen_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['match_id'], ['matches.id'], name=op.f('fk_match_conflicts_match_id_matches'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_match_conflicts')),
        sa.UniqueConstraint('match_id', 'field', 'other_source',
                            name=op.f('uq_match_conflicts_match_id_field_other_source')),
    )
    op.create_index(op.f('ix_match_conflicts_match_id'), 'match_conflicts', ['match_id'], unique=False)
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_source', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('name_source')
    op.drop_index(op.f('ix_match_conflicts_match_id'), table_name='match_conflicts')
    op.drop_table('match_conflicts')
    op.drop_table('match_sources')
