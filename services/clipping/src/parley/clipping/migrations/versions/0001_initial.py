"""The clipping read models (Spaces, members, recordings, clips) and the chassis tables.

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
        "clipping_spaces",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("host_id", sa.String(80), nullable=False),
        sa.Column("recording", sa.Boolean(), nullable=False),
        sa.Column("clipping", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
    )
    op.create_table(
        "clipping_members",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("user_id", sa.String(80), primary_key=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "clipping_recordings",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("object_name", sa.String(120), nullable=True),
    )
    op.create_table(
        "clips",
        sa.Column("clip_id", sa.String(80), primary_key=True),
        sa.Column("space_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("object_name", sa.String(120), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failure", sa.String(300), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_clips_space", "clips", ["space_id"])


def downgrade() -> None:
    op.drop_index("ix_clips_space", "clips")
    op.drop_table("clips")
    op.drop_table("clipping_recordings")
    op.drop_table("clipping_members")
    op.drop_table("clipping_spaces")
    drop_chassis_tables()
