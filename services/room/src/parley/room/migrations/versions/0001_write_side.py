"""Room's first tables: the chassis' own, room's projection of identity (room_users,
room_follows, room_blocks), host-grace timers, who is in which open Space and who hosts it
(room_memberships_live went in 0003; room_participants keeps room_open_spaces since).

Revision ID: 0001_write_side
Revises:
Create Date: 2025-01-01
"""

from alembic import op
import sqlalchemy as sa

from parley.chassis.migrations import create_chassis_tables, drop_chassis_tables

revision = "0001_write_side"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_chassis_tables()
    op.create_table(
        "room_users",
        sa.Column("user_id", sa.String(100), primary_key=True),
        sa.Column("handle", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "room_follows",
        sa.Column("follower_id", sa.String(100), primary_key=True),
        sa.Column("followee_id", sa.String(100), primary_key=True),
    )
    op.create_index("ix_room_follows_followee", "room_follows", ["followee_id"])
    op.create_table(
        "room_blocks",
        sa.Column("blocker_id", sa.String(100), primary_key=True),
        sa.Column("blocked_id", sa.String(100), primary_key=True),
    )
    op.create_index("ix_room_blocks_blocked", "room_blocks", ["blocked_id"])
    op.create_table(
        "room_timers",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_room_timers_deadline", "room_timers", ["deadline"])
    op.create_table(
        "room_memberships_live",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
    )
    op.create_index("ix_room_memberships_live_user", "room_memberships_live", ["user_id"])
    op.create_table(
        "room_open_spaces",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("host_id", sa.String(100), nullable=False),
    )
    op.create_index("ix_room_open_spaces_host", "room_open_spaces", ["host_id"])


def downgrade() -> None:
    op.drop_table("room_open_spaces")
    op.drop_table("room_memberships_live")
    op.drop_table("room_timers")
    op.drop_table("room_blocks")
    op.drop_table("room_follows")
    op.drop_table("room_users")
    drop_chassis_tables()
