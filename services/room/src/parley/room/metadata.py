"""The one SQLAlchemy MetaData of the room service's database (its tables are declared in
the modules that own them; migrations import them all through ``all_tables``)."""

from __future__ import annotations

from sqlalchemy import MetaData

from parley.chassis.db import add_chassis_tables

metadata = MetaData()
add_chassis_tables(metadata)
