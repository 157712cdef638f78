"""users store: accounts, sessions, favorites, prediction leagues

Revision ID: 0011
Revises: (none: the first revision of the users store, its own version table alembic_version_users)
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('username_key', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False),
    sa.Column('language', sa.String(length=16), server_default='en', nullable=False),
    sa.Column('role', sa.String(length=8), server_default='user', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('is_premium', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('user', 'admin')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email_key', name=op.f('uq_users_email_key')),
    sa.UniqueConstraint('username_key', name=op.f('uq_users_username_key'))
    )
    op.create_table('favorites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=8), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('notification_enabled', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('added_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("entity_type IN ('team', 'league')", name=op.f('ck_favorites_entity_type')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_favorites_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_favorites')),
    sa.UniqueConstraint('user_id', 'entity_type', 'entity_id', name=op.f('uq_favorites_user_id_entity_type_entity_id'))
    )
    with op.batch_alter_table('favorites', schema=None) as batch_op:
        batch_op.create_index('ix_favorites_entity_type_entity_id', ['entity_type', 'entity_id'], unique=False)

    op.create_table('prediction_leagues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('season', sa.String(length=16), nullable=False),
    sa.Column('scoring', sa.JSON(), nullable=False),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('invite_code', sa.String(length=16), nullable=False),
    sa.Column('participants_scores_status', sa.String(length=10), server_default='up-to-date', nullable=False),
    sa.Column('sync_token', sa.String(length=36), nullable=True),
    sa.Column('sync_lease_until', sa.DateTime(), nullable=True),
    sa.Column('scores_updated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("participants_scores_status IN ('outdata', 'syncing', 'up-to-date')", name=op.f('ck_prediction_leagues_scores_status')),
    sa.CheckConstraint("visibility IN ('private', 'public')", name=op.f('ck_prediction_leagues_visibility')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_prediction_leagues_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prediction_leagues')),
    sa.UniqueConstraint('invite_code', name=op.f('uq_prediction_leagues_invite_code'))
    )
    with op.batch_alter_table('prediction_leagues', schema=None) as batch_op:
        batch_op.create_index('ix_prediction_leagues_competition_id_season', ['competition_id', 'season'], unique=False)
        batch_op.create_index(batch_op.f('ix_prediction_leagues_owner_id'), ['owner_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('current_jti', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=40), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('bonus_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('correct_answer', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.CheckConstraint("kind IN ('champion', 'top_scorer', 'custom')", name=op.f('ck_bonus_questions_kind')),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_bonus_questions_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bonus_questions'))
    )
    with op.batch_alter_table('bonus_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bonus_questions_prediction_league_id'), ['prediction_league_id'], unique=False)

    op.create_table('match_results',
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('finish', sa.String(length=16), nullable=True),
    sa.Column('home_goals', sa.Integer(), nullable=True),
    sa.Column('away_goals', sa.Integer(), nullable=True),
    sa.Column('home_goals_90', sa.Integer(), nullable=True),
    sa.Column('away_goals_90', sa.Integer(), nullable=True),
    sa.Column('home_penalties', sa.Integer(), nullable=True),
    sa.Column('away_penalties', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_match_results_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prediction_league_id', 'match_id', name=op.f('pk_match_results'))
    )
    op.create_table('prediction_league_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_prediction_league_members_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_prediction_league_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prediction_league_members')),
    sa.UniqueConstraint('prediction_league_id', 'user_id', name=op.f('uq_prediction_league_members_prediction_league_id_user_id'))
    )
    with op.batch_alter_table('prediction_league_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prediction_league_members_user_id'), ['user_id'], unique=False)

    op.create_table('prediction_scores',
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('exact', sa.Integer(), nullable=False),
    sa.Column('differences', sa.Integer(), nullable=False),
    sa.Column('tendencies', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_prediction_scores_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_prediction_scores_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prediction_league_id', 'user_id', 'round_number', name=op.f('pk_prediction_scores'))
    )
    op.create_table('predictions',
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('home_goals', sa.Integer(), nullable=False),
    sa.Column('away_goals', sa.Integer(), nullable=False),
    sa.Column('joker', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_predictions_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_predictions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prediction_league_id', 'match_id', 'user_id', name=op.f('pk_predictions')),
    sqlite_with_rowid=False,
    postgresql_with={'fillfactor': 70}
    )
    with op.batch_alter_table('predictions', schema=None) as batch_op:
        batch_op.create_index('ix_predictions_prediction_league_id_user_id', ['prediction_league_id', 'user_id'], unique=False)

    op.create_table('scoring_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prediction_league_id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['prediction_league_id'], ['prediction_leagues.id'], name=op.f('fk_scoring_queue_prediction_league_id_prediction_leagues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_queue'))
    )
    with op.batch_alter_table('scoring_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_queue_prediction_league_id'), ['prediction_league_id'], unique=False)

    op.create_table('bonus_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=200), nullable=False),
    sa.Column('answered_at', sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['bonus_questions.id'], name=op.f('fk_bonus_answers_question_id_bonus_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bonus_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bonus_answers')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_bonus_answers_question_id_user_id'))
    )


def downgrade() -> None:
    op.drop_table('bonus_answers')
    with op.batch_alter_table('scoring_queue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_queue_prediction_league_id'))

    op.drop_table('scoring_queue')
    with op.batch_alter_table('predictions', schema=None) as batch_op:
        batch_op.drop_index('ix_predictions_prediction_league_id_user_id')

    op.drop_table('predictions')
    op.drop_table('prediction_scores')
    with op.batch_alter_table('prediction_league_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prediction_league_members_user_id'))

    op.drop_table('prediction_league_members')
    op.drop_table('match_results')
    with op.batch_alter_table('bonus_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bonus_questions_prediction_league_id'))

    op.drop_table('bonus_questions')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('prediction_leagues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prediction_leagues_owner_id'))
        batch_op.drop_index('ix_prediction_leagues_competition_id_season')

    op.drop_table('prediction_leagues')
    with op.batch_alter_table('favorites', schema=None) as batch_op:
        batch_op.drop_index('ix_favorites_entity_type_entity_id')

    op.drop_table('favorites')
    op.drop_table('users')
