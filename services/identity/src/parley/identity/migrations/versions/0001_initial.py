"""Identity read models (users, follows, blocks) and the chassis tables.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
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
        "users",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("handle", sa.String(15), nullable=False),
        sa.Column("handle_lower", sa.String(15), nullable=False, unique=True),
        sa.Column("display_name", sa.String(50), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("followers_count", sa.Integer(), nullable=False),
        sa.Column("following_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "follows",
        sa.Column("follower_id", sa.String(40), primary_key=True),
        sa.Column("followee_id", sa.String(40), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_follows_followee_seq", "follows", ["followee_id", "seq"])
    op.create_index("ix_follows_follower_seq", "follows", ["follower_id", "seq"])
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.String(40), primary_key=True),
        sa.Column("blocked_id", sa.String(40), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_blocks_blocked", "blocks", ["blocked_id"])


def downgrade() -> None:
    op.drop_table("blocks")
    op.drop_table("follows")
    op.drop_table("users")
    drop_chassis_tables()
