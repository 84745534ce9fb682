"""Clips' transcripts: where each clip's window starts on the recording's clock
(``clips.window_start_ms``; a replay clip's is its ``start_s``, filled in here for the clips
already made) and captions' final segments clipping reads from CAPTIONS
(``clipping_caption_segments``, filled from the stream when the service starts).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("clips", sa.Column("window_start_ms", sa.BigInteger(), nullable=True))
    clips = sa.table(
        "clips",
        sa.column("start_s", sa.Float()),
        sa.column("window_start_ms", sa.BigInteger()),
    )
    op.execute(
        clips.update()
        .where(clips.c.start_s.is_not(None))
        .values(window_start_ms=sa.cast(sa.func.round(clips.c.start_s * 1000), sa.BigInteger()))
    )
    op.create_table(
        "clipping_caption_segments",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("space_id", sa.String(80), nullable=False),
        sa.Column("speaker_id", sa.String(80), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_clipping_caption_segments_space",
        "clipping_caption_segments",
        ["space_id", "start_ms"],
    )


def downgrade() -> None:
    op.drop_index("ix_clipping_caption_segments_space", "clipping_caption_segments")
    op.drop_table("clipping_caption_segments")
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("window_start_ms")
    positions = sa.table("projection_positions", sa.column("projection", sa.String))
    op.execute(positions.delete().where(positions.c.projection == "clipping_caption_segments"))
