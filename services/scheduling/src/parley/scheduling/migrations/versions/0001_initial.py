"""The scheduled Spaces read model and the chassis tables.

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
        "scheduled_spaces",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("host_id", sa.String(80), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("canceled_reason", sa.String(20), nullable=True),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_scheduled_spaces_host_id", "scheduled_spaces", ["host_id"])
    op.create_index(
        "ix_scheduled_spaces_scheduled_start", "scheduled_spaces", ["scheduled_start"]
    )
    op.create_table(
        "scheduled_reminders",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("user_id", sa.String(80), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("scheduled_reminders")
    op.drop_index("ix_scheduled_spaces_scheduled_start", "scheduled_spaces")
    op.drop_index("ix_scheduled_spaces_host_id", "scheduled_spaces")
    op.drop_table("scheduled_spaces")
    drop_chassis_tables()
