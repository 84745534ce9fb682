"""Pytest fixtures against real parts: a private nats-server, SQLite files, PostgreSQL.

- ``nats_url``: one nats-server per test session (JetStream on a temp dir);
- ``private_nats``: a nats-server of one test's own (override ``nats_url`` with it where stream
  and consumer names are fixed);
- ``nc``: a connected client for one test;
- ``database_url``: a fresh database per test, parametrized over SQLite and PostgreSQL
  (PostgreSQL cases are skipped where no server answers on 127.0.0.1:5432);
- ``sqlite_url``: a fresh SQLite database only.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import connect

POSTGRES_HOST = os.environ.get("PARLEY_TEST_PG_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("PARLEY_TEST_PG_PORT", "5432"))
POSTGRES_USER = os.environ.get("PARLEY_TEST_PG_USER", "postgres")


def postgres_available() -> bool:
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path_factory.mktemp("nats"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def nats_url(nats_server: EmbeddedNats) -> str:
    return nats_server.url


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[str]:
    """A nats-server of this test's own: for services whose stream, bucket and durable consumer
    names are fixed, so that two tests (or two suites) never share them."""
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[NATS]:
    client = await connect(nats_url, name="test")
    yield client
    await client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


async def _create_postgres_database() -> str:
    import asyncpg

    name = f"parley_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database="postgres"
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database="postgres"
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    name = await _create_postgres_database()
    yield f"postgresql+asyncpg://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    await _drop_postgres_database(name)


def unique_context() -> str:
    """A bounded-context name no other test uses, so streams never collide (events are
    registered by context: an event store of this context needs event classes declared for it,
    or use ``private_nats``)."""
    return f"t{uuid.uuid4().hex[:10]}"


def pytest_configure(config: pytest.Config) -> None:
    from parley.chassis.logs import configure_logging

    configure_logging("test", os.environ.get("PARLEY_TEST_LOG_LEVEL", "WARNING"), json=False)
