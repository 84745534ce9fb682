"""Insert-or-update of one row, in the database's own dialect (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def put(
    session: AsyncSession, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """The row ``key`` with ``values``: inserted, or ``values`` set on the existing one."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values({**key, **values})
    await session.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_=dict(values))
    )
