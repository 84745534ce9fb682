"""The recording database: the recordings read model plus the chassis tables. The Alembic
migrations create exactly this schema."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, String, Table

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

recordings = Table(
    "recordings",
    metadata,
    Column("space_id", String(80), primary_key=True),
    Column("host_id", String(80), nullable=False),
    Column("title", String(300), nullable=False),
    Column("state", String(20), nullable=False),  # recording, processing, ready, deleted
    Column("duration_ms", BigInteger, nullable=True),
    Column("bytes", BigInteger, nullable=True),
    Column("object_name", String(120), nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ready_at", DateTime(timezone=True), nullable=True),
    Column("plays", BigInteger, nullable=False, server_default="0"),
    Column("seq", BigInteger, nullable=False),  # stream sequence of RecordingStarted
    Index("ix_recordings_host", "host_id", "seq"),
    Index("ix_recordings_state", "state"),
)
