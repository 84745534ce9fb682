"""The upserts the read side needs, in each dialect's own syntax (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


def _dialect(session: AsyncSession | Session) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession | Session, table: Table) -> Any:
    """The dialect's INSERT of ``table``, which has ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (the two dialects' statements share that interface)."""
    module = postgresql if _dialect(session) == "postgresql" else sqlite
    return module.insert(table)


async def insert_ignoring_existing(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert ``rows``; a row whose primary key exists already is left as it is."""
    if not rows:
        return
    module = postgresql if _dialect(session) == "postgresql" else sqlite
    statement = module.insert(table).on_conflict_do_nothing()
    await session.execute(statement, list(rows))


async def add_to_counter(
    session: AsyncSession, table: Table, key: Mapping[str, Any], column: str, amount: int
) -> None:
    """``column += amount`` on the row with primary key ``key``, created at ``amount``.
    One statement, so concurrent writers (several replicas) never lose an addition."""
    module = postgresql if _dialect(session) == "postgresql" else sqlite
    statement = module.insert(table).values({**key, column: amount})
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + amount}
    )
    await session.execute(statement)


async def put(
    session: AsyncSession, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Insert the row ``key`` + ``values``, or set ``values`` on the existing row ``key``."""
    module = postgresql if _dialect(session) == "postgresql" else sqlite
    statement = module.insert(table).values({**key, **values})
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=dict(values))
    await session.execute(statement)
