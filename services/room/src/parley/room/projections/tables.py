"""The write side's tables, declared on the room database's single ``metadata``. The migration
``0001_write_side`` creates exactly these (and the chassis' own)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, String, Table

from parley.room.metadata import metadata

ID = 100  # ids are short (usr_ + 20 hex) but come from events: leave room

# -- room_identity: what room needs to know of identity (the read side reads these too) --------

users = Table(
    "room_users",
    metadata,
    Column("user_id", String(ID), primary_key=True),
    Column("handle", String(40), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("suspended", Boolean, nullable=False, default=False),
)

follows = Table(
    "room_follows",
    metadata,
    Column("follower_id", String(ID), primary_key=True),
    Column("followee_id", String(ID), primary_key=True),
    Index("ix_room_follows_followee", "followee_id"),
)

blocks = Table(
    "room_blocks",
    metadata,
    Column("blocker_id", String(ID), primary_key=True),
    Column("blocked_id", String(ID), primary_key=True),
    Index("ix_room_blocks_blocked", "blocked_id"),
)

# -- room_timers: host-grace deadlines still pending -------------------------------------------

timers = Table(
    "room_timers",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Index("ix_room_timers_deadline", "deadline"),
)

# -- room_memberships_live: who is in which unfinished Space, and who hosts it -----------------

memberships_live = Table(
    "room_memberships_live",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("user_id", String(ID), primary_key=True),
    Index("ix_room_memberships_live_user", "user_id"),
)

open_spaces = Table(
    "room_open_spaces",
    metadata,
    Column("space_id", String(ID), primary_key=True),
    Column("host_id", String(ID), nullable=False),
    Index("ix_room_open_spaces_host", "host_id"),
)
