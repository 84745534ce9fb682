"""What each source gives: a working nats-server or PostgreSQL; the environment's private
server emptied and held by one test at a time; a container that cannot start says so at once.
The container cases themselves run where a Docker engine answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from parley.chassis.db import create_engine
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.messaging import connect
from parley.testing import servers, sources
from parley.testing.servers import ContainerDidNotStart, PostgresServer
from parley.testing.sources import Choice

needs_docker = pytest.mark.skipif(not sources.docker_answers(), reason="no Docker engine")
needs_local_postgres = pytest.mark.skipif(
    not sources.port_answers(*sources.local_postgres_address({})),
    reason="no PostgreSQL server on 127.0.0.1:5432",
)


async def jetstream_works(url: str) -> None:
    nc = await connect(url, name="test-servers")
    try:
        js = nc.jetstream()
        await js.add_stream(name="PROBE", subjects=["probe.>"])
        ack = await js.publish("probe.one", b"x" * 2_000_000)  # max_payload 8MB, as embedded
        assert ack.seq == 1
    finally:
        await nc.close()


async def stream_names(url: str) -> list[str]:
    nc = await connect(url, name="test-servers")
    try:
        return [info.config.name or "" for info in await nc.jetstream().streams_info()]
    finally:
        await nc.close()


async def test_the_local_binary_serves_jetstream(tmp_path: Path) -> None:
    with servers.nats_server(Choice("local"), tmp_path) as server:
        assert server.origin == "local"
        await jetstream_works(server.url)


def test_none_skips_with_the_reason() -> None:
    with (
        pytest.raises(pytest.skip.Exception, match="set PARLEY_TEST_NATS_URL"),
        servers.nats_server(Choice("none", reason="no NATS: set PARLEY_TEST_NATS_URL"), Path()),
    ):
        pass


async def test_the_environments_private_server_is_emptied_for_each_test(
    tmp_path: Path,
) -> None:
    scratch = EmbeddedNats(tmp_path / "scratch").start()
    try:
        nc = await connect(scratch.url, name="leftovers")
        js = nc.jetstream()
        await js.add_stream(name="ROOM", subjects=["room.>"])
        await js.create_key_value(bucket="presence")
        await nc.close()
        assert sorted(await stream_names(scratch.url)) == ["KV_presence", "ROOM"]

        choice = Choice("environment", url=scratch.url)
        with servers.private_nats_server(choice, tmp_path / "unused") as server:
            assert server.url == scratch.url
            assert await stream_names(server.url) == []
        assert not (tmp_path / "unused").exists()  # no server of its own was started
    finally:
        scratch.stop()


def test_the_environments_private_server_is_held_by_one_test_at_a_time() -> None:
    url = f"nats://held-{time.monotonic_ns()}:4222"
    inside = threading.Event()
    entered_second: list[float] = []

    def second() -> None:
        with servers.held_alone(url):
            entered_second.append(time.monotonic())

    with servers.held_alone(url):
        other = threading.Thread(target=second)
        other.start()
        inside.wait(0.3)
        assert entered_second == []  # waits for the first to let go
        released = time.monotonic()
    other.join(5)
    assert entered_second
    assert entered_second[0] >= released


def test_a_container_that_cannot_start_says_so_at_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if sources.docker_answers():
        pytest.skip("Docker answers here: the containers start")
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
    started = time.perf_counter()
    for start in (
        lambda: servers.nats_server(Choice("container"), tmp_path),
        lambda: servers.postgres_server(Choice("container"), {}),
    ):
        with pytest.raises(ContainerDidNotStart, match="PARLEY_TEST_CONTAINERS=off"), start():
            pass
    assert time.perf_counter() - started < 5.0


async def database_works(server: PostgresServer) -> None:
    name = await server.create_database()
    try:
        engine = create_engine(server.database_url(name))
        try:
            async with engine.connect() as conn:
                assert (await conn.execute(text("select current_database()"))).scalar() == name
        finally:
            await engine.dispose()
    finally:
        await server.drop_database(name)


@needs_local_postgres
async def test_the_local_postgres_gets_a_database_per_test() -> None:
    with servers.postgres_server(Choice("local"), {}) as server:
        assert server.admin_url == "postgresql://postgres@127.0.0.1:5432/postgres"
        await database_works(server)


@needs_local_postgres
async def test_the_environments_postgres_url_is_used_as_given() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    with servers.postgres_server(Choice("environment", url=url), {}) as server:
        assert server.database_url("abc") == "postgresql+asyncpg://postgres@127.0.0.1:5432/abc"
        await database_works(server)


def test_a_password_in_the_url_is_kept() -> None:
    server = PostgresServer("postgresql://ci:s3cret@db:5433/postgres", "environment")
    assert server.database_url("t1") == "postgresql+asyncpg://ci:s3cret@db:5433/t1"


@needs_docker
async def test_a_nats_container_serves_jetstream(tmp_path: Path) -> None:
    with servers.nats_server(Choice("container"), tmp_path) as server:
        assert server.origin == "container"
        await jetstream_works(server.url)


@needs_docker
async def test_a_postgres_container_gets_a_database_per_test() -> None:
    with servers.postgres_server(Choice("container"), {}) as server:
        assert server.origin == "container"
        await database_works(server)
