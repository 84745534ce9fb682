from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.db import create_engine
from parley.chassis.event_store import EventStore
from parley.chassis.messaging import StreamSpec, ensure_streams
from parley.testing.plugin import unique_context


@pytest.fixture
async def store(nc: NATS) -> EventStore:
    """An event store on a fresh stream of its own, so tests never see each other's events."""
    context = unique_context()
    stream = context.upper()
    await ensure_streams(nc, [StreamSpec(stream, [f"{context}.>"])])
    return EventStore(nc, stream=stream, context=context)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()
