"""Alembic environment of the room database (the chassis does the work), against every table
room declares (``parley.room.projections.tables``)."""

from parley.chassis.migrations_env import run
from parley.room.projections.tables import metadata

run(metadata, "room")
