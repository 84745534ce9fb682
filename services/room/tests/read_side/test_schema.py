"""The migrations (the write side's 0001, the read side's 0002 on top) create exactly the
declared tables, on SQLite and PostgreSQL, and the read side's indexes are there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine
from parley.room.all_tables import load_all_tables
from parley.room.read_side import tables

from .conftest import create_schema


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await create_schema(engine)
    yield engine
    await engine.dispose()


async def test_the_migrations_create_exactly_the_declared_schema(engine: AsyncEngine) -> None:
    metadata = load_all_tables()

    def differences(connection: Any) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_room_participants_has_the_shape_the_write_side_counts_on(
    engine: AsyncEngine,
) -> None:
    def columns(connection: Any) -> dict[str, bool]:
        return {
            column["name"]: column["nullable"]
            for column in inspect(connection).get_columns("room_participants")
        }

    async with engine.connect() as connection:
        shape = await connection.run_sync(columns)
    assert {"space_id", "user_id", "joined_at", "left_at"} <= set(shape)
    assert shape["left_at"] is True
    assert tables.participants.c.joined_at.type.timezone is True  # type: ignore[attr-defined]
