"""Search across transcripts: full-text over ``caption_segments.text`` in the database's own way,
and the Spaces whose recordings were deleted (their segments are dropped, and never indexed).

SQLite: the FTS5 table ``caption_search`` (porter stemming), its content the segments' table,
kept in step by triggers. PostgreSQL: a GIN index on ``to_tsvector('english', text)``.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE caption_search USING fts5("
    "text, content='caption_segments', content_rowid='seq', tokenize='porter unicode61')",
    "INSERT INTO caption_search(caption_search) VALUES ('rebuild')",
    "CREATE TRIGGER caption_segments_ai AFTER INSERT ON caption_segments BEGIN "
    "INSERT INTO caption_search(rowid, text) VALUES (new.seq, new.text); END",
    "CREATE TRIGGER caption_segments_ad AFTER DELETE ON caption_segments BEGIN "
    "INSERT INTO caption_search(caption_search, rowid, text) "
    "VALUES ('delete', old.seq, old.text); END",
    "CREATE TRIGGER caption_segments_au AFTER UPDATE ON caption_segments BEGIN "
    "INSERT INTO caption_search(caption_search, rowid, text) "
    "VALUES ('delete', old.seq, old.text); "
    "INSERT INTO caption_search(rowid, text) VALUES (new.seq, new.text); END",
)
SQLITE_DOWN = (
    "DROP TRIGGER caption_segments_au",
    "DROP TRIGGER caption_segments_ad",
    "DROP TRIGGER caption_segments_ai",
    "DROP TABLE caption_search",
)
POSTGRES_UP = (
    "CREATE INDEX ix_caption_segments_text ON caption_segments "
    "USING gin (to_tsvector('english', text))",
)
POSTGRES_DOWN = ("DROP INDEX ix_caption_segments_text",)


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    op.create_table(
        "captions_deleted_recordings",
        sa.Column("space_id", sa.String(80), primary_key=True),
    )
    for statement in POSTGRES_UP if _postgres() else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if _postgres() else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table("captions_deleted_recordings")
