"""The body of every service's Alembic ``env.py``: migrate on the connection the chassis
passes in (``run_migrations``), or on ``DATABASE_URL`` when run from the alembic CLI."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from parley.chassis.db import create_engine
from parley.chassis.settings import ServiceSettings


def _migrate(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run(metadata: MetaData, service_name: str) -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection, metadata)
        return

    async def from_settings() -> None:
        settings = ServiceSettings(service_name=service_name)
        engine = create_engine(settings.resolved_database_url())
        async with engine.begin() as conn:
            await conn.run_sync(_migrate, metadata)
        await engine.dispose()

    asyncio.run(from_settings())
