"""Alembic environment of a media relay worker's database (the chassis does the work)."""

from parley.chassis.migrations_env import run
from parley.media_relay.projections.tables import metadata

run(metadata, "media_relay")
