"""Alembic environment of the identity database (the chassis does the work)."""

from parley.chassis.migrations_env import run
from parley.identity.projections.tables import metadata

run(metadata, "identity")
