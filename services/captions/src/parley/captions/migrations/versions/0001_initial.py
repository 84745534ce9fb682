"""The captions read models (captioned Spaces, transcript segments) and the chassis tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from parley.chassis.migrations import create_chassis_tables, drop_chassis_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_chassis_tables()
    op.create_table(
        "captions_spaces",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("captions", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
    )
    op.create_table(
        "caption_segments",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("space_id", sa.String(80), nullable=False),
        sa.Column("speaker_id", sa.String(80), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_caption_segments_space", "caption_segments", ["space_id", "start_ms"])


def downgrade() -> None:
    op.drop_index("ix_caption_segments_space", "caption_segments")
    op.drop_table("caption_segments")
    op.drop_table("captions_spaces")
    drop_chassis_tables()
