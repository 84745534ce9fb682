from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine
from parley.chassis.event_store import EventStore
from parley.chassis.messaging import ensure_stream, make_broker
from parley.contracts.streams import StreamSpec, context_stream
from parley.testing.counter import CONTEXT


@pytest.fixture
def nats_url(private_nats: str) -> str:
    """A nats-server of each test's own: the counter's stream, subjects and consumers are
    fixed names, so tests never see each other's (events are registered by context)."""
    return private_nats


@pytest.fixture
def counter_stream() -> StreamSpec:
    return context_stream(CONTEXT.upper(), CONTEXT, owner="chassis-test")


@pytest.fixture
async def store(nc: NATS, counter_stream: StreamSpec) -> EventStore:
    """An event store on the counter's stream."""
    await ensure_stream(nc, counter_stream)
    return EventStore(nc, stream=counter_stream.name, context=CONTEXT)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def broker(nats_url: str) -> AsyncIterator[NatsBroker]:
    """A broker of the test's own, not started: a test includes its routers, then starts it."""
    broker = make_broker(nats_url, "chassis-test")
    yield broker
    await broker.stop()
