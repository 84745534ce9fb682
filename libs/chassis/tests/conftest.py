from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine
from parley.chassis.event_store import EventStore
from parley.chassis.messaging import ensure_stream
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
