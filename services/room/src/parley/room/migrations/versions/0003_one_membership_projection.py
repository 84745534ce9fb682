"""One read model of who is in which Space: room_participants. room_memberships_live (the
other one) goes; room_participants now reads every room event and keeps room_open_spaces
too, so it is cleared here and rebuilt from the ROOM stream when the service starts. The
positions of the retired consumers (room_memberships_live, room_suspension_policy, now a
durable JetStream policy consumer) go with them.

Revision ID: 0003_one_membership_projection
Revises: 0002_read_side
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa

revision = "0003_one_membership_projection"
down_revision = "0002_read_side"
branch_labels = None
depends_on = None

REBUILT = ("room_participants", "room_presence", "room_listener_history", "room_open_spaces")


def _forget_positions(*projections: str) -> None:
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(positions.delete().where(positions.c.projection.in_(projections)))


def upgrade() -> None:
    op.drop_index("ix_room_memberships_live_user", table_name="room_memberships_live")
    op.drop_table("room_memberships_live")
    for name in REBUILT:
        op.execute(sa.table(name).delete())
    _forget_positions("room_participants", "room_memberships_live", "room_suspension_policy")


def downgrade() -> None:
    op.create_table(
        "room_memberships_live",
        sa.Column("space_id", sa.String(100), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
    )
    op.create_index("ix_room_memberships_live_user", "room_memberships_live", ["user_id"])
    op.execute(sa.table("room_open_spaces").delete())
    # Both rebuilt from the stream: room_memberships_live fills both tables again.
    _forget_positions("room_memberships_live")
