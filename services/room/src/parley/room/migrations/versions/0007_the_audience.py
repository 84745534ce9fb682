"""The audience: a Space's listener count becomes everyone present who is not on stage (it was
everyone present), and the open stays are listed in the order they opened. room_participants
folds the stage itself (room_participants_stage) and its open stays get a partial index
(space_id, joined_seq) WHERE left_at IS NULL in place of (space_id, left_at). Every count it
wrote was of the old kind, so its tables are cleared and its position forgotten: it is rebuilt
from the ROOM stream when the service starts (peaks and history included).

Revision ID: 0007_the_audience
Revises: 0006_timers_on_the_broker
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_the_audience"
down_revision = "0006_timers_on_the_broker"
branch_labels = None
depends_on = None

ID = 100
REBUILT = ("room_participants", "room_presence", "room_listener_history", "room_open_spaces")
OPEN_STAYS = sa.text("left_at IS NULL")


def _rebuild_room_participants() -> None:
    for name in REBUILT:
        op.execute(sa.table(name).delete())
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(positions.delete().where(positions.c.projection == "room_participants"))


def upgrade() -> None:
    op.create_table(
        "room_participants_stage",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
    )
    op.drop_index("ix_room_participants_space_open", table_name="room_participants")
    op.create_index(
        "ix_room_participants_open",
        "room_participants",
        ["space_id", "joined_seq"],
        sqlite_where=OPEN_STAYS,
        postgresql_where=OPEN_STAYS,
    )
    _rebuild_room_participants()


def downgrade() -> None:
    op.drop_index("ix_room_participants_open", table_name="room_participants")
    op.create_index("ix_room_participants_space_open", "room_participants", ["space_id", "left_at"])
    op.drop_table("room_participants_stage")
    _rebuild_room_participants()
