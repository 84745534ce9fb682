"""Alembic environment of the captions database (the chassis does the work), against every
table captions declares (``parley.captions.projections.tables``)."""

from parley.captions.projections.tables import metadata
from parley.chassis.migrations_env import run

run(metadata, "captions")
