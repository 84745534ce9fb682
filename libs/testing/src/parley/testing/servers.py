"""The NATS and PostgreSQL servers the fixtures hand out, from the source
``parley.testing.sources`` chose: a URL from the environment, a container, the local binary or
server; none skips the test that asked.

A container that does not start although Docker answered is an error, not a skip (a missing
image, no network): ``PARLEY_TEST_CONTAINERS=off`` uses the local binary and server instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

from parley.chassis.embedded_nats import EmbeddedNats
from parley.testing.sources import Choice, Origin, local_postgres_address

NATS_IMAGE = "nats:2-alpine"
POSTGRES_IMAGE = "postgres:16-alpine"
NATS_IMAGE_VARIABLE = "PARLEY_TEST_NATS_IMAGE"
POSTGRES_IMAGE_VARIABLE = "PARLEY_TEST_POSTGRES_IMAGE"
CONTAINER_START_TIMEOUT_S = 60
NATS_PORT = 4222
# What the embedded server's configuration says too (parley.chassis.embedded_nats).
NATS_CONFIG = b"""listen: "0.0.0.0:4222"
jetstream { store_dir: "/data/jetstream" }
max_payload: 8MB
"""
NATS_CONFIG_PATH = "/etc/nats/parley.conf"


class ContainerDidNotStart(RuntimeError):
    def __init__(self, what: str, error: Exception) -> None:
        super().__init__(
            f"the {what} container did not start although Docker answered ({error!r}); "
            "set PARLEY_TEST_CONTAINERS=off to use the local one instead"
        )


# -- NATS --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NatsServer:
    url: str
    origin: Origin


@contextlib.contextmanager
def nats_server(choice: Choice, store_dir: Path) -> Iterator[NatsServer]:
    """A nats-server with JetStream for as long as the block runs."""
    if choice.origin == "environment":
        assert choice.url is not None
        yield NatsServer(choice.url, "environment")
    elif choice.origin == "container":
        with nats_container() as url:
            yield NatsServer(url, "container")
    elif choice.origin == "local":
        server = EmbeddedNats(store_dir).start()
        try:
            yield NatsServer(server.url, "local")
        finally:
            server.stop()
    else:
        pytest.skip(choice.reason)


@contextlib.contextmanager
def private_nats_server(choice: Choice, store_dir: Path) -> Iterator[NatsServer]:
    """A nats-server for one test alone: a new one, or the environment's, emptied of every
    stream (key-value buckets and object stores included) and held by this test only (a lock
    file shared by the test processes of this machine, pytest-xdist's workers included)."""
    if choice.origin != "environment":
        with nats_server(choice, store_dir) as server:
            yield server
        return
    assert choice.url is not None
    with held_alone(choice.url):
        delete_every_stream(choice.url)
        yield NatsServer(choice.url, "environment")


@contextlib.contextmanager
def nats_container() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    ready = LogMessageWaitStrategy("Server is ready")
    try:
        container = (
            DockerContainer(os.environ.get(NATS_IMAGE_VARIABLE, NATS_IMAGE))
            .with_exposed_ports(NATS_PORT)
            .with_copy_into_container(NATS_CONFIG, NATS_CONFIG_PATH)
            .with_command(["-c", NATS_CONFIG_PATH])
            .waiting_for(ready.with_startup_timeout(CONTAINER_START_TIMEOUT_S))
            .start()
        )
    except Exception as error:
        raise ContainerDidNotStart("NATS", error) from error
    try:
        host, port = container.get_container_host_ip(), container.get_exposed_port(NATS_PORT)
        yield f"nats://{host}:{port}"
    finally:
        container.stop()


@contextlib.contextmanager
def held_alone(url: str) -> Iterator[None]:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"parley-test-nats-{digest}.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def delete_every_stream(url: str) -> None:
    """Run on a thread of its own: the calling fixture may be inside pytest-asyncio's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _delete_every_stream(url)).result()


async def _delete_every_stream(url: str) -> None:
    from parley.chassis.messaging import connect

    nc = await connect(url, name="parley-test-wipe")
    try:
        js = nc.jetstream()
        for _page in range(100):
            streams = await js.streams_info()
            if not streams:
                return
            for stream in streams:
                if stream.config.name:
                    await js.delete_stream(stream.config.name)
        raise RuntimeError(f"{url} still has streams after deleting 100 pages of them")
    finally:
        await nc.close()


# -- PostgreSQL --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresServer:
    """A PostgreSQL server the tests may create databases on; ``admin_url`` names any database
    of it to connect to for that (usually ``postgres``)."""

    admin_url: str
    origin: Origin

    def database_url(self, name: str) -> str:
        """The SQLAlchemy (asyncpg) URL of database ``name`` on this server."""
        url = make_url(self.admin_url).set(drivername="postgresql+asyncpg", database=name)
        return url.render_as_string(hide_password=False)

    async def create_database(self) -> str:
        name = f"parley_test_{uuid.uuid4().hex[:12]}"
        conn = await self._connect()
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return name

    async def drop_database(self, name: str) -> None:
        conn = await self._connect()
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    async def _connect(self) -> Any:
        import asyncpg

        url = make_url(self.admin_url)
        return await asyncpg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            database=url.database or "postgres",
        )


@contextlib.contextmanager
def postgres_server(choice: Choice, environ: Mapping[str, str]) -> Iterator[PostgresServer]:
    if choice.origin == "environment":
        assert choice.url is not None
        yield PostgresServer(choice.url, "environment")
    elif choice.origin == "container":
        with postgres_container() as url:
            yield PostgresServer(url, "container")
    elif choice.origin == "local":
        yield PostgresServer(local_postgres_url(environ), "local")
    else:
        pytest.skip(choice.reason)


def local_postgres_url(environ: Mapping[str, str]) -> str:
    host, port = local_postgres_address(environ)
    url = URL.create(
        "postgresql",
        username=environ.get("PARLEY_TEST_PG_USER", "postgres"),
        password=environ.get("PARLEY_TEST_PG_PASSWORD"),
        host=host,
        port=port,
        database="postgres",
    )
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_container() -> Iterator[str]:
    try:
        from testcontainers.community.postgres import PostgresContainer
    except ImportError:  # older testcontainers
        from testcontainers.postgres import PostgresContainer

    try:
        container = PostgresContainer(
            os.environ.get(POSTGRES_IMAGE_VARIABLE, POSTGRES_IMAGE),
            username="parley",
            password="parley",
            dbname="postgres",
            driver=None,
        ).start()
    except Exception as error:
        raise ContainerDidNotStart("PostgreSQL", error) from error
    try:
        yield container.get_connection_url()
    finally:
        container.stop()
