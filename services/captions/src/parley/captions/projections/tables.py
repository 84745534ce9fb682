"""The captions database: its read models plus the chassis tables. The Alembic migrations create
exactly this schema."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, MetaData, String, Table, Text

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

spaces = Table(
    "captions_spaces",
    metadata,
    Column("space_id", String(80), primary_key=True),
    Column("captions", Boolean, nullable=False),
    Column("state", String(20), nullable=False),  # created, live, ended
)

segments = Table(
    "caption_segments",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),  # CAPTIONS stream seq
    Column("space_id", String(80), nullable=False),
    Column("speaker_id", String(80), nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_caption_segments_space", "space_id", "start_ms"),
)
# Full-text search over ``caption_segments.text`` is not declared here: it is the database's own
# (migration 0002): on SQLite the FTS5 table ``caption_search`` (external content, kept by
# triggers), on PostgreSQL a GIN index on ``to_tsvector('english', text)``.

deleted_recordings = Table(
    "captions_deleted_recordings",
    metadata,
    Column("space_id", String(80), primary_key=True),
)
