"""Alembic environment of the clipping database (the chassis does the work), against every
table clipping declares (``parley.clipping.projections.tables``)."""

from parley.chassis.migrations_env import run
from parley.clipping.projections.tables import metadata

run(metadata, "clipping")
