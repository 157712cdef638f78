"""matches.first_source, first_fields, first_seen_at: the provenance of a match one source described, kept in its
row instead of a match_sources row (store/provenance_rows.py); existing single-source rows without dissent move
there, and back on downgrade; the view match_provenance shows both as match_sources rows (db_query)

Revision ID: 0013_first_source
Revises: 0012_providers
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_first_source"
down_revision = "0012_providers"
branch_labels = None
depends_on = None

_ONLY_SOURCE = ("SELECT match_id FROM match_sources GROUP BY match_id HAVING count(*) = 1 AND "
                "max(CASE WHEN dissent IS NULL OR CAST(dissent AS TEXT) = 'null' THEN 0 ELSE 1 END) = 0")


def upgrade() -> None:
    op.add_column("matches", sa.Column("first_source", sa.String(length=40), nullable=True))
    op.add_column("matches", sa.Column("first_fields", sa.Integer(), nullable=True))
    op.add_column("matches", sa.Column("first_seen_at", sa.DateTime(), nullable=True))
    one = "(SELECT s.{} FROM match_sources s WHERE s.match_id = matches.id)"
    op.execute(f"UPDATE matches SET first_source = {one.format('source')}, first_fields = {one.format('fields')}, "
               f"first_seen_at = {one.format('seen_at')} WHERE id IN ({_ONLY_SOURCE})")
    op.execute("DELETE FROM match_sources WHERE match_id IN (SELECT id FROM matches WHERE first_source IS NOT NULL)")
    # what match_sources held before, for read-only SQL (db_query): every source of every match
    op.execute("CREATE VIEW match_provenance AS SELECT match_id, source, fields, dissent, seen_at FROM match_sources "
               "UNION ALL SELECT id, first_source, first_fields, NULL, first_seen_at FROM matches "
               "WHERE first_source IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP VIEW match_provenance")
    op.execute("INSERT INTO match_sources (match_id, source, fields, seen_at) "
               "SELECT id, first_source, first_fields, first_seen_at FROM matches WHERE first_source IS NOT NULL")
    # a plain DROP COLUMN (SQLite >= 3.35): a batch copy of matches would drop the old table, and with it, by
    # ON DELETE CASCADE, every row that refers to a match
    for name in ("first_seen_at", "first_fields", "first_source"):
        op.drop_column("matches", name)
