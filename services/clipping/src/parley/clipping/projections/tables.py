"""The clipping database: its read models plus the chassis tables. The Alembic migrations
create exactly this schema."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    MetaData,
    String,
    Table,
    Text,
)

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

# room's facts about each Space (ROOM): recorded? clipping on? live?
spaces = Table(
    "clipping_spaces",
    metadata,
    Column("space_id", String(80), primary_key=True),
    Column("host_id", String(80), nullable=False),
    Column("recording", Boolean, nullable=False),
    Column("clipping", Boolean, nullable=False),
    Column("state", String(20), nullable=False),  # created, live, ended
)

# who is in each Space (room's membership aggregates)
members = Table(
    "clipping_members",
    metadata,
    Column("space_id", String(80), primary_key=True),
    Column("user_id", String(80), primary_key=True),
    Column("present", Boolean, nullable=False),
    Column("removed", Boolean, nullable=False),
)

# recording's facts (RECORDING): the finished recording a replay clip is cut from
recordings = Table(
    "clipping_recordings",
    metadata,
    Column("space_id", String(80), primary_key=True),
    Column("state", String(20), nullable=False),  # recording, processing, ready, deleted
    Column("duration_ms", BigInteger, nullable=True),
    Column("object_name", String(120), nullable=True),
)

clips = Table(
    "clips",
    metadata,
    Column("clip_id", String(80), primary_key=True),
    Column("space_id", String(80), nullable=False),
    Column("state", String(20), nullable=False),  # pending, ready, failed, expired, deleted
    Column("source", String(10), nullable=False),
    Column("start_s", Float, nullable=True),
    Column("duration_ms", BigInteger, nullable=True),
    Column("bytes", BigInteger, nullable=True),
    Column("object_name", String(120), nullable=True),
    Column("transcript", Text, nullable=False),
    Column("created_by", String(80), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("failure", String(300), nullable=True),
    Column("seq", BigInteger, nullable=False),
    # Where its audio starts on the recording's clock (ms): a replay clip's from its request,
    # a live clip's once it is ready. Its window lasts duration_ms.
    Column("window_start_ms", BigInteger, nullable=True),
    # The transcript's segments as the last ClipTranscriptAttached listed them, on the
    # recording's clock: [{"speaker_id", "start_ms", "end_ms", "text"}, ...] by start.
    Column("transcript_segments", JSON, nullable=False, server_default="[]"),
    Index("ix_clips_space", "space_id"),
)

# captions' final segments (CAPTIONS) of the Spaces whose clips may want them: recorded Spaces
# (or not known yet) whose recording is not deleted
caption_segments = Table(
    "clipping_caption_segments",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # CAPTIONS stream seq
    Column("space_id", String(80), nullable=False),
    Column("speaker_id", String(80), nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_clipping_caption_segments_space", "space_id", "start_ms"),
)
