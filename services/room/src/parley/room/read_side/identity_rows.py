"""The write side's projection of identity (``room_identity``): read here, never written.
Lightweight table clauses, so the read side names only the columns it reads."""

from __future__ import annotations

from sqlalchemy import Boolean, String, column, table

room_users = table(
    "room_users",
    column("user_id", String),
    column("handle", String),
    column("display_name", String),
    column("suspended", Boolean),
)

room_follows = table(
    "room_follows",
    column("follower_id", String),
    column("followee_id", String),
)

room_blocks = table(
    "room_blocks",
    column("blocker_id", String),
    column("blocked_id", String),
)
