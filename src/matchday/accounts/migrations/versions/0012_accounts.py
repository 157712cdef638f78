"""users store: email links (reset, verification), reminders, closing odds for the odds-scaled preset

Revision ID: 0012_accounts
Revises: 0011
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_accounts'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    op.add_column('users', sa.Column('reminders_enabled', sa.Boolean(), server_default='1', nullable=False))
    op.add_column('prediction_leagues', sa.Column('reminder_minutes', sa.Integer(), nullable=True))
    for column in ('odds_home', 'odds_draw', 'odds_away'):
        op.add_column('match_results', sa.Column(column, sa.Integer(), nullable=True))
    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=8), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("purpose IN ('reset', 'verify')", name=op.f('ck_account_tokens_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_tokens_token_hash'))
    )
    op.create_index(op.f('ix_account_tokens_user_id'), 'account_tokens', ['user_id'], unique=False)
    op.create_table('reminder_claims',
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('round_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('claim_token', sa.String(length=36), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name=op.f('ck_reminder_claims_status')),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'],
                            name=op.f('fk_reminder_claims_prediction_league_id_prediction_leagues'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminder_claims_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prediction_league_id', 'user_id', 'round_number', 'channel',
                            name=op.f('pk_reminder_claims'))
    )


def downgrade() -> None:
    op.drop_table('reminder_claims')
    op.drop_index(op.f('ix_account_tokens_user_id'), table_name='account_tokens')
    op.drop_table('account_tokens')
    with op.batch_alter_table('match_results') as batch:
        for column in ('odds_home', 'odds_draw', 'odds_away'):
            batch.drop_column(column)
    with op.batch_alter_table('prediction_leagues') as batch:
        batch.drop_column('reminder_minutes')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('reminders_enabled')
        batch.drop_column('email_verified_at')
