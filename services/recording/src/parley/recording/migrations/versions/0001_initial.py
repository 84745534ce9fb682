"""The recordings read model and the chassis tables.

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
        "recordings",
        sa.Column("space_id", sa.String(80), primary_key=True),
        sa.Column("host_id", sa.String(80), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("object_name", sa.String(120), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_recordings_host", "recordings", ["host_id", "seq"])
    op.create_index("ix_recordings_state", "recordings", ["state"])


def downgrade() -> None:
    op.drop_index("ix_recordings_state", "recordings")
    op.drop_index("ix_recordings_host", "recordings")
    op.drop_table("recordings")
    drop_chassis_tables()
