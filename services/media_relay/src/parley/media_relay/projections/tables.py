"""The media relay's own database (one per worker): its projection of room's roles, plus the
chassis tables. Migrations in ``parley/media_relay/migrations``."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, Text

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)

space_roles = Table(
    "space_roles",
    metadata,
    Column("space_id", String(100), primary_key=True),
    Column("roles", Text, nullable=False),  # SpaceRoles as JSON
)
