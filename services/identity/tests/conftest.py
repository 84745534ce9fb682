"""Fixtures for identity's integration tests: the real service, in-process, on a private
nats-server. (A private server, not the session one: the service's stream, KV bucket and
durable consumer names are fixed, so two tests, or another suite's identity, would share them.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from faststream.nats import NatsBroker

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.messaging import ensure_stream, make_broker
from parley.chassis.service import RunningService, start_service
from parley.chassis.tokens import TokenVerifier, generate_key_pair
from parley.contracts import streams
from parley.contracts.api.identity import ROUTES
from parley.contracts.routes import Route
from parley.identity.bootstrap import definition
from parley.identity.settings import IdentitySettings

MODERATOR = "Mod_1"
PASSWORD = "correct horse battery"


def identity_settings(tmp_path: Path, nats_url: str, database_url: str) -> IdentitySettings:
    private_key, _ = generate_key_pair(tmp_path / "keys")
    return IdentitySettings(
        nats_url=nats_url,
        database_url=database_url,
        data_dir=tmp_path / "data",
        token_private_key_file=private_key,
        moderator_handles=frozenset({MODERATOR.lower()}),
        # Cheap hashes: the default cost (64 MiB, t=3) is for production, not for 20 at once.
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        log_json=False,
    )


def route(kind: str, name: str) -> Route[Any, Any]:
    """Identity's declared route ``name`` of ``kind`` (command or query)."""
    (found,) = (r for r in ROUTES.all if (r.kind, r.name) == (kind, name))
    return found


async def client_broker(nats_url: str, name: str) -> NatsBroker:
    broker = make_broker(nats_url, name=name)
    await broker.connect()
    return broker


async def room_stream_exists(broker: NatsBroker) -> None:
    """What room (the owner of ROOM) does at its start: identity only waits for that stream."""
    await ensure_stream(broker.connection, streams.ROOM)


class Identity:
    """The running service and a bus client speaking its contract."""

    def __init__(self, running: RunningService, bus: BusClient, public_key: bytes) -> None:
        self.running = running
        self.bus = bus
        self.verifier = TokenVerifier(public_key)

    async def command(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self._call(route("command", name), payload, actor)

    async def query(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self._call(route("query", name), payload, actor)

    async def _call(self, route: Route[Any, Any], payload: Any, actor: str | None) -> Any:
        # The payload goes as the JSON the tests wrote, unvalidated, so that the service's own
        # validation is what is tested; the answer comes back as JSON data too.
        result = await self.bus.call(route, payload, RequestContext(actor=actor))
        return route.result_adapter.dump_python(result, mode="json")

    async def register(self, handle: str, display_name: str = "") -> dict[str, Any]:
        answer = await self.command(
            "register",
            {"handle": handle, "display_name": display_name or handle, "password": PASSWORD},
        )
        return dict(answer["user"])


async def run_identity(tmp_path: Path, nats_url: str, database_url: str) -> AsyncIterator[Identity]:
    settings = identity_settings(tmp_path, nats_url, database_url)
    broker = await client_broker(nats_url, "identity-test-client")
    try:
        await room_stream_exists(broker)
        running = await start_service(definition, settings)
        public_key = (tmp_path / "keys" / "token_public.pem").read_bytes()
        try:
            yield Identity(running, BusClient(broker, timeout=10), public_key)
        finally:
            await running.stop()
    finally:
        await broker.stop()


@pytest.fixture
async def identity(tmp_path: Path, private_nats: str, sqlite_url: str) -> AsyncIterator[Identity]:
    async for service in run_identity(tmp_path, private_nats, sqlite_url):
        yield service


@pytest.fixture
async def identity_on_each_database(
    tmp_path: Path, private_nats: str, database_url: str
) -> AsyncIterator[Identity]:
    async for service in run_identity(tmp_path, private_nats, database_url):
        yield service
