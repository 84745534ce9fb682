"""The identity database: read-model tables plus the chassis' own (projection positions, dead
letters). Alembic migrations in ``parley/identity/migrations`` create exactly this schema."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

users = Table(
    "users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("handle", String(15), nullable=False),
    Column("handle_lower", String(15), nullable=False, unique=True),
    Column("display_name", String(50), nullable=False),
    Column("bio", Text, nullable=False, default=""),
    Column("suspended", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("followers_count", Integer, nullable=False, default=0),
    Column("following_count", Integer, nullable=False, default=0),
)

follows = Table(
    "follows",
    metadata,
    Column("follower_id", String(40), primary_key=True),
    Column("followee_id", String(40), primary_key=True),
    # Stream sequence of the UserFollowed event: orders the lists and keys their cursors.
    Column("seq", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_follows_followee_seq", "followee_id", "seq"),
    Index("ix_follows_follower_seq", "follower_id", "seq"),
)

blocks = Table(
    "blocks",
    metadata,
    Column("blocker_id", String(40), primary_key=True),
    Column("blocked_id", String(40), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_blocks_blocked", "blocked_id"),
)
