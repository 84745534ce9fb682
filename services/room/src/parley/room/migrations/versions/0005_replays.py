"""room_replay_plays and room_space_clips: the replay plays (recording's RecordingPlayed) and
the clips (clipping's ClipReady) of each Space, for the host's analytics. Filled from the
RECORDING and CLIPPING streams when the service starts.

Revision ID: 0005_replays
Revises: 0004_reminders
Create Date: 2026-12-21
"""

from alembic import op
import sqlalchemy as sa

revision = "0005_replays"
down_revision = "0004_reminders"
branch_labels = None
depends_on = None

ID = 100


def upgrade() -> None:
    op.create_table(
        "room_replay_plays",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("plays", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "room_space_clips",
        sa.Column("space_id", sa.String(ID), primary_key=True),
        sa.Column("clip_id", sa.String(ID), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("room_space_clips")
    op.drop_table("room_replay_plays")
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(
        positions.delete().where(
            positions.c.projection.in_(["room_replay_plays", "room_clips"])
        )
    )
