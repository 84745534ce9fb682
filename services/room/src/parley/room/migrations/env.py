"""Alembic environment of the room database (the chassis does the work). Both sides' tables:
the write side's ``0001_write_side``, the read side's ``0002_read_side`` on top."""

from parley.chassis.migrations_env import run
from parley.room.all_tables import load_all_tables

run(load_all_tables(), "room")
