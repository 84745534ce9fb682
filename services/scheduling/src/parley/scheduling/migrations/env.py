"""Alembic environment of the scheduling database (the chassis does the work), against every
table scheduling declares (``parley.scheduling.projections.tables``)."""

from parley.chassis.migrations_env import run
from parley.scheduling.projections.tables import metadata

run(metadata, "scheduling")
