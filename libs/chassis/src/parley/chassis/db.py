"""One SQLAlchemy 2 async engine per service, from ``DATABASE_URL`` (SQLite file by default,
PostgreSQL supported), and the chassis' own tables every service database holds."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    func,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite, WAL mode and a busy timeout so readers never block writers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def add_chassis_tables(metadata: MetaData) -> None:
    """Tables the projection runner needs, added to a service's own metadata (and migrations)."""
    Table(
        "projection_positions",
        metadata,
        Column("projection", String(100), primary_key=True),
        Column("last_seq", BigInteger, nullable=False),
    )
    Table(
        "dead_letters",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("projection", String(100), nullable=False, index=True),
        Column("stream_seq", BigInteger, nullable=False),
        Column("subject", String(255), nullable=False),
        Column("event_type", String(100), nullable=True),
        Column("error", Text, nullable=False),
        Column("data", Text, nullable=False),
        Column("failed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


_CHASSIS_METADATA = MetaData()
add_chassis_tables(_CHASSIS_METADATA)


def chassis_tables() -> dict[str, Table]:
    """The chassis tables by name (``projection_positions``, ``dead_letters``)."""
    return dict(_CHASSIS_METADATA.tables)


def _upgrade(connection: Connection, script_location: Path, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def run_migrations(
    engine: AsyncEngine, script_location: Path, revision: str = "head"
) -> None:
    """Bring the service's schema to ``revision`` with its own Alembic scripts."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, script_location, revision)


def run_migrations_blocking(url: str, script_location: Path) -> None:
    async def main() -> None:
        engine = create_engine(url)
        try:
            await run_migrations(engine, script_location)
        finally:
            await engine.dispose()

    asyncio.run(main())
