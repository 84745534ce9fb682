"""Alembic environment of the recording database (the chassis does the work), against every
table recording declares (``parley.recording.projections.tables``)."""

from parley.chassis.migrations_env import run
from parley.recording.projections.tables import metadata

run(metadata, "recording")
