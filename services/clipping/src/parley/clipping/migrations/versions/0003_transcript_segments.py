"""Clips' transcripts with who said what when: ``clips.transcript_segments``, the segments of
the clip's last ClipTranscriptAttached (on the recording's clock, as JSON). The events of the
clips already made hold them, so the clips are cleared and their projection's position
forgotten: ``clipping_clips`` is rebuilt from the CLIPPING stream when the service starts.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _rebuild_clips() -> None:
    op.execute(sa.table("clips").delete())
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(positions.delete().where(positions.c.projection == "clipping_clips"))


def upgrade() -> None:
    op.add_column(
        "clips",
        sa.Column("transcript_segments", sa.JSON(), nullable=False, server_default="[]"),
    )
    _rebuild_clips()


def downgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("transcript_segments")
    _rebuild_clips()
