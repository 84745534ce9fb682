"""What every service's first Alembic migration calls for the chassis tables, instead of
pasting their DDL: ``create_chassis_tables()`` in ``upgrade``, ``drop_chassis_tables()`` in
``downgrade``. The tables are the ones :func:`parley.chassis.db.add_chassis_tables` declares."""

from __future__ import annotations

from alembic import op

from parley.chassis.db import chassis_tables


def create_chassis_tables() -> None:
    """``projection_positions`` and ``dead_letters`` (with its index), as declared."""
    bind = op.get_bind()
    for table in chassis_tables().values():
        table.create(bind)


def drop_chassis_tables() -> None:
    bind = op.get_bind()
    for table in reversed(list(chassis_tables().values())):
        table.drop(bind)
