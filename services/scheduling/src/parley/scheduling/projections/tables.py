"""Every table of the scheduling database, on its one ``metadata`` (the chassis' own included).

``scheduling_spaces`` (projection) owns ``scheduled_spaces`` (one row per scheduled Space, with
how many are reminded) and ``scheduled_reminders`` (who is reminded of which)."""

from __future__ import annotations

import sqlalchemy as sa

from parley.chassis.db import add_chassis_tables

metadata = sa.MetaData()
add_chassis_tables(metadata)

scheduled_spaces = sa.Table(
    "scheduled_spaces",
    metadata,
    sa.Column("space_id", sa.String(80), primary_key=True),
    sa.Column("host_id", sa.String(80), nullable=False, index=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("description", sa.Text(), nullable=False, default=""),
    sa.Column("topics", sa.JSON(), nullable=False),
    sa.Column("settings", sa.JSON(), nullable=False),
    sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("canceled_reason", sa.String(20), nullable=True),
    sa.Column("reminder_count", sa.Integer(), nullable=False, default=0),
    sa.Column("version", sa.BigInteger(), nullable=False),
)

scheduled_reminders = sa.Table(
    "scheduled_reminders",
    metadata,
    sa.Column("space_id", sa.String(80), primary_key=True),
    sa.Column("user_id", sa.String(80), primary_key=True),
)
