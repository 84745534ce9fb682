"""Room's host-grace timers move onto the broker (JetStream message schedules, ADR 19): the
``room_timers`` read model and its poller go.

Revision ID: 0006_timers_on_the_broker
Revises: 0005_replays
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_timers_on_the_broker"
down_revision = "0005_replays"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_room_timers_deadline", table_name="room_timers")
    op.drop_table("room_timers")
    op.execute("DELETE FROM projection_positions WHERE projection = 'room_timers'")


def downgrade() -> None:
    op.create_table(
        "room_timers",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_room_timers_deadline", "room_timers", ["deadline"])
