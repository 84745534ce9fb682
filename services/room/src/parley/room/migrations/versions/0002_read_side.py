"""Participants and presence, the discovery catalog, notifications, reaction totals and read
marks (then called room's read side).

Revision ID: 0002_read_side
Revises: 0001_write_side
Create Date: 2026-11-21
"""

from alembic import op
import sqlalchemy as sa

revision = "0002_read_side"
down_revision = "0001_write_side"
branch_labels = None
depends_on = None

ID = 100


def upgrade() -> None:
    op.create_table(
        "room_participants",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
        sa.Column("joined_seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_epoch", sa.Float(), nullable=False),
        sa.Column("listened_s", sa.Float(), nullable=True),
        sa.Column("left_reason", sa.String(20), nullable=True),
    )
    op.create_index(
        "ix_room_participants_space_open", "room_participants", ["space_id", "left_at"]
    )
    op.create_table(
        "room_presence",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("listener_count", sa.Integer(), nullable=False),
        sa.Column("peak_listeners", sa.Integer(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "room_listener_history",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("bucket_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("listener_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "room_catalog",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("host_id", sa.String(ID), nullable=False),
        sa.Column("speaker_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_room_catalog_state_started", "room_catalog", ["state", "started_at"])
    op.create_index(
        "ix_room_catalog_state_scheduled", "room_catalog", ["state", "scheduled_start"]
    )
    op.create_index("ix_room_catalog_host", "room_catalog", ["host_id"])
    op.create_table(
        "room_catalog_topics",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("topic_key", sa.String(200), primary_key=True),
    )
    op.create_index(
        "ix_room_catalog_topics_topic", "room_catalog_topics", ["topic_key", "space_id"]
    )
    op.create_table(
        "room_catalog_stage",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
        sa.Column("role", sa.String(10), nullable=False),
    )
    op.create_index("ix_room_catalog_stage_user", "room_catalog_stage", ["user_id", "space_id"])
    op.create_table(
        "room_space_speakers",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
        sa.Column("first_on_stage_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "room_notifications",
        sa.Column("id", sa.String(250), primary_key=True),
        sa.Column("recipient_id", sa.String(ID), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("space_id", sa.String(ID), nullable=True),
        sa.Column("actor_id", sa.String(ID), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_room_notifications_recipient_seq",
        "room_notifications",
        ["recipient_id", "seq", "id"],
    )
    op.create_table(
        "room_notify_spaces",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("host_id", sa.String(ID), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
    )
    op.create_table(
        "room_notify_cohosts",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
    )
    op.create_table(
        "room_reaction_totals",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "room_notification_reads",
        sa.Column("user_id", sa.String(ID), primary_key=True),
        sa.Column("read_through_seq", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    for name in (
        "room_notification_reads",
        "room_reaction_totals",
        "room_notify_cohosts",
        "room_notify_spaces",
        "room_notifications",
        "room_space_speakers",
        "room_catalog_stage",
        "room_catalog_topics",
        "room_catalog",
        "room_listener_history",
        "room_presence",
        "room_participants",
    ):
        op.drop_table(name)
