"""``create_chassis_tables()`` in a service's first migration makes exactly the tables the
services' pasted DDL made (columns, types, keys, index), and ``drop_chassis_tables()`` removes
them: on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import chassis_tables, run_migrations

ENV = """
from sqlalchemy import MetaData

from parley.chassis.db import add_chassis_tables
from parley.chassis.migrations_env import run

metadata = MetaData()
add_chassis_tables(metadata)
run(metadata, "migrations_test")
"""

WITH_THE_HELPER = """
from parley.chassis.migrations import create_chassis_tables, drop_chassis_tables

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_chassis_tables()


def downgrade() -> None:
    drop_chassis_tables()
"""

# What every service's 0001 migration pasted before the helper existed.
PASTED = """
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "projection_positions",
        sa.Column("projection", sa.String(100), primary_key=True),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("projection", sa.String(100), nullable=False),
        sa.Column("stream_seq", sa.BigInteger(), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column(
            "failed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_dead_letters_projection", "dead_letters", ["projection"])


def downgrade() -> None:
    op.drop_table("dead_letters")
    op.drop_table("projection_positions")
"""


def scripts(root: Path, version: str) -> Path:
    (root / "versions").mkdir(parents=True)
    (root / "env.py").write_text(ENV)
    (root / "versions" / "0001_initial.py").write_text(version)
    return root


def schema(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    tables = {}
    for name in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        tables[name] = {
            "columns": [
                (
                    column["name"],
                    str(column["type"]),
                    column["nullable"],
                    column.get("default") is not None,
                )
                for column in inspector.get_columns(name)
            ],
            "primary_key": inspector.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(name)
            ),
        }
    return tables


def downgrade(connection: Connection, script_location: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def test_the_helper_makes_the_tables_the_pasted_ddl_made(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    helper = scripts(tmp_path / "helper", WITH_THE_HELPER)
    pasted = scripts(tmp_path / "pasted", PASTED)

    await run_migrations(engine, helper)
    async with engine.connect() as connection:
        made_by_helper = await connection.run_sync(schema)
    async with engine.begin() as connection:
        await connection.run_sync(downgrade, helper)
        assert await connection.run_sync(schema) == {}  # drop_chassis_tables removed them
    await run_migrations(engine, pasted)
    async with engine.connect() as connection:
        made_by_pasting = await connection.run_sync(schema)

    assert set(made_by_helper) == set(chassis_tables()) == {"projection_positions", "dead_letters"}
    assert made_by_helper == made_by_pasting
    assert made_by_helper["dead_letters"]["indexes"] == [
        ("ix_dead_letters_projection", ("projection",), False)
    ]
