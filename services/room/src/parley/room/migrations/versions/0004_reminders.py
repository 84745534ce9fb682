"""room_reminders: who set a reminder for which scheduled Space (scheduling's ReminderSet /
ReminderCleared), for the reminder count on room's view and the scheduled Space's notifications
(ADR 20). Filled from the SCHEDULING stream when the service starts.

Revision ID: 0004_reminders
Revises: 0003_one_membership_projection
Create Date: 2026-12-20
"""

from alembic import op
import sqlalchemy as sa

revision = "0004_reminders"
down_revision = "0003_one_membership_projection"
branch_labels = None
depends_on = None

ID = 100


def upgrade() -> None:
    op.create_table(
        "room_reminders",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("room_reminders")
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(positions.delete().where(positions.c.projection == "room_reminders"))
