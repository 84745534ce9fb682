"""Tests in this folder share one gateway (and one fake identity and room) per module, in the
module's event loop: starting and stopping a gateway costs ~0.5 s, which over a few hundred
tests is most of the run. Each test gets the shared fakes reset and a client without cookies;
live sockets a test opened are closed, and the gateway has let go of them, before the next
test starts. Tests that need other settings start their own gateway with ``start_gateway``.

Every module here runs in its module's event loop (where the shared gateway runs):
``pytestmark = pytest.mark.asyncio(loop_scope="module")``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio


@pytest.fixture
def fake_room(module_room):
    return module_room.reset()


@pytest.fixture
def fake_identity(module_identity):
    return module_identity.reset()


@pytest.fixture
def gateway(module_gateway, fake_room, fake_identity):
    module_gateway.client.cookies.clear()
    return module_gateway


@pytest.fixture
def api(gateway):
    return gateway.client


@pytest.fixture
def publish(module_room, publisher):
    return publisher(module_room.nc)


@pytest_asyncio.fixture(loop_scope="module")
async def open_live(module_gateway, eventually, live_sockets) -> AsyncIterator[Any]:
    async with live_sockets() as open_live:
        yield open_live

    async def released() -> bool:
        return module_gateway.parts.hub.subjects() == {}

    await eventually(released)


@pytest_asyncio.fixture(loop_scope="module")
async def start_gateway(nats_url, keys, fake_room, fake_identity, launch_gateway):
    running = []

    async def start(**overrides: Any):
        running.append(await launch_gateway(nats_url, keys, suspension_refresh_s=0, **overrides))
        return running[-1]

    yield start
    for gateway in running:
        await gateway.stop()
