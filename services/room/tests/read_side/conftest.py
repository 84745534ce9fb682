"""The room read side on real parts: a private nats-server (the ROOM stream name is fixed),
a fresh database, the real projection runners, the bus routes and background tasks of
``build_read_side``. Room events are appended with the chassis EventStore (or, where a test
scripts the time, published with the same envelope and headers and a chosen ``occurred_at``),
so nothing here depends on the write side's handlers."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.bus import BusClient, BusRouter, RequestContext, serve
from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.event_store import EventMetadata, EventStore, envelope_for, message_headers
from parley.chassis.messaging import StreamSpec, connect, ensure_streams
from parley.chassis.projections import ProjectionRunner, RunnerOptions
from parley.chassis.service import Infrastructure
from parley.chassis.settings import ServiceSettings
from parley.contracts.events.room import (
    CohostAdded,
    ListenerJoined,
    ParticipantLeft,
    SpaceCreated,
    SpaceStarted,
    SpeakerPromoted,
    membership_id,
)
from parley.contracts.live import LiveMessage
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import event_subject
from parley.room.bootstrap import MIGRATIONS
from parley.room.read_side.clock import utc_now
from parley.room.read_side.identity_rows import room_blocks, room_follows, room_users
from parley.room.read_side.settings import ReadSideSettings
from parley.room.read_side.wiring import STREAM, ReadSide, build_read_side

CONTEXT = "room"


async def create_schema(engine: AsyncEngine) -> None:
    await run_migrations(engine, MIGRATIONS)


class Clock:
    """``now`` for the queries: real time unless a test pins it."""

    def __init__(self) -> None:
        self.pinned: datetime | None = None

    def __call__(self) -> datetime:
        return self.pinned or utc_now()


class Listener:
    """Collects the LiveMessages published on a subject (pattern), with their arrival times."""

    def __init__(self) -> None:
        self.received: list[tuple[str, LiveMessage, float]] = []

    async def on_message(self, msg: Msg) -> None:
        arrived = asyncio.get_running_loop().time()
        self.received.append((msg.subject, LiveMessage.model_validate_json(msg.data), arrived))

    def of_type(self, kind: str, subject: str | None = None) -> list[LiveMessage]:
        return [message for message, _ in self.timed(kind, subject)]

    def timed(self, kind: str, subject: str | None = None) -> list[tuple[LiveMessage, float]]:
        return [
            (message, arrived)
            for where, message, arrived in self.received
            if message.type == kind and (subject is None or where == subject)
        ]


class ReadSideHarness:
    def __init__(
        self,
        nc: NATS,
        client_nc: NATS,
        engine: AsyncEngine,
        read_side: ReadSide,
        runners: list[ProjectionRunner],
        clock: Clock,
    ) -> None:
        self.nc = nc
        self.client_nc = client_nc
        self.engine = engine
        self.sessions = session_factory(engine)
        self.read_side = read_side
        self.runners = runners
        self.clock = clock
        self.store = EventStore(nc, stream=STREAM, context=CONTEXT)
        self.bus = BusClient(client_nc, timeout=10)
        self.versions: dict[str, int] = {}

    # -- events ------------------------------------------------------------------------------

    async def append(self, aggregate_id: str, *events: DomainEvent) -> int:
        """Append with the event store (optimistic concurrency on the aggregate)."""
        version = await self.store.append(
            aggregate_id,
            list(events),
            expected_version=self.versions.get(aggregate_id, 0),
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        self.versions[aggregate_id] = version
        return version

    async def append_at(self, at: datetime, aggregate_id: str, event: DomainEvent) -> int:
        """Publish one event as the store would, but with a scripted ``occurred_at``."""
        envelope = envelope_for(event, aggregate_id, EventMetadata(correlation_id="cor_test"))
        envelope = envelope.model_copy(update={"occurred_at": at})
        ack = await self.nc.jetstream().publish(
            event_subject(CONTEXT, aggregate_id, envelope.event_type),
            envelope.model_dump_json().encode(),
            stream=STREAM,
            headers=message_headers(envelope),
        )
        self.versions[aggregate_id] = int(ack.seq)
        return int(ack.seq)

    async def space(
        self,
        space_id: str,
        host_id: str,
        *,
        title: str = "A Space",
        topics: tuple[str, ...] = (),
        live: bool = True,
        scheduled_start: str | None = None,
    ) -> None:
        await self.append(
            space_id,
            SpaceCreated(
                space_id=space_id,
                host_id=host_id,
                title=title,
                topics=list(topics),
                scheduled_start=scheduled_start,
            ),
        )
        if live:
            await self.append(space_id, SpaceStarted(space_id=space_id, host_id=host_id))

    async def join(self, space_id: str, *user_ids: str) -> None:
        for user_id in user_ids:
            await self.append(
                membership_id(space_id, user_id),
                ListenerJoined(space_id=space_id, user_id=user_id),
            )

    async def leave(self, space_id: str, *user_ids: str) -> None:
        for user_id in user_ids:
            await self.append(
                membership_id(space_id, user_id),
                ParticipantLeft(space_id=space_id, user_id=user_id),
            )

    async def promote(self, space_id: str, user_id: str, *, cohost: bool = False) -> None:
        event: DomainEvent = (
            CohostAdded(space_id=space_id, user_id=user_id, invited_by="usr_host")
            if cohost
            else SpeakerPromoted(space_id=space_id, user_id=user_id, by=None, via="invitation")
        )
        await self.append(space_id, event)

    async def settle(self) -> None:
        for runner in self.runners:
            await runner.wait_until_caught_up(timeout=20)

    # -- the write side's identity rows --------------------------------------------------------

    async def users(self, *handles: str) -> None:
        """``usr_<handle>`` rows in ``room_users`` (the write side's identity projection)."""
        async with self.sessions.begin() as session:
            await session.execute(
                insert(room_users),
                [
                    {
                        "user_id": f"usr_{handle}",
                        "handle": handle,
                        "display_name": handle.title(),
                        "suspended": False,
                    }
                    for handle in handles
                ],
            )

    async def follow(self, follower_id: str, *followee_ids: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                insert(room_follows),
                [
                    {"follower_id": follower_id, "followee_id": followee}
                    for followee in followee_ids
                ],
            )

    async def follow_by(self, followee_id: str, *follower_ids: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                insert(room_follows),
                [
                    {"follower_id": follower, "followee_id": followee_id}
                    for follower in follower_ids
                ],
            )

    async def block(self, blocker_id: str, blocked_id: str) -> None:
        async with self.sessions.begin() as session:
            await session.execute(
                insert(room_blocks).values(blocker_id=blocker_id, blocked_id=blocked_id)
            )

    # -- the bus --------------------------------------------------------------------------------

    async def command(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.command(CONTEXT, name, payload, RequestContext(actor=actor))

    async def query(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.query(CONTEXT, name, payload, RequestContext(actor=actor))

    async def listen(self, subject: str) -> Listener:
        listener = Listener()
        await self.client_nc.subscribe(subject, cb=listener.on_message)
        await self.client_nc.flush()
        return listener


HarnessFactory = Callable[..., Awaitable[ReadSideHarness]]


@contextlib.asynccontextmanager
async def running_read_side(
    nats_url: str, database_url: str, settings: ReadSideSettings
) -> AsyncIterator[ReadSideHarness]:
    nc = await connect(nats_url, name="room-read-side")
    client_nc = await connect(nats_url, name="room-read-side-test-client")
    await ensure_streams(nc, [StreamSpec(STREAM, [f"{CONTEXT}.>"])])
    engine = create_engine(database_url)
    await create_schema(engine)
    infra = Infrastructure(
        ServiceSettings(service_name="room", nats_url=nats_url, database_url=database_url),
        nc,
        engine,
        session_factory(engine),
    )
    router = BusRouter(CONTEXT)
    clock = Clock()
    read_side = build_read_side(infra, router, settings, clock=clock)
    runners = [
        ProjectionRunner(
            nc,
            stream=stream,
            projection=projection,
            sessions=infra.sessions,
            options=RunnerOptions(fetch_timeout_s=0.2),
        )
        for stream, projection in read_side.projections
    ]
    for runner in runners:
        await runner.start()
    subscriptions = await serve(nc, router, queue="room")
    await nc.flush()
    tasks = [asyncio.create_task(job()) for job in read_side.background]
    harness = ReadSideHarness(nc, client_nc, engine, read_side, runners, clock)
    try:
        yield harness
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for runner in runners:
            await runner.stop()
        for subscription in subscriptions:
            await subscription.unsubscribe()
        await client_nc.close()
        await nc.close()
        await engine.dispose()


def read_side_settings(**overrides: Any) -> ReadSideSettings:
    # The presence check is not cached, so a test sees a leave or an end at once.
    values: dict[str, Any] = {"reaction_presence_cache_s": 0.0, **overrides}
    return ReadSideSettings(**values)


@pytest.fixture
async def make_read_side(private_nats: str, database_url: str) -> AsyncIterator[HarnessFactory]:
    """Start the read side with chosen settings (on each database)."""
    stack = contextlib.AsyncExitStack()

    async def make(**overrides: Any) -> ReadSideHarness:
        return await stack.enter_async_context(
            running_read_side(private_nats, database_url, read_side_settings(**overrides))
        )

    async with stack:
        yield make


@pytest.fixture
async def read_side(make_read_side: HarnessFactory) -> ReadSideHarness:
    """The read side with test settings, on each database."""
    return await make_read_side()


@pytest.fixture
async def sqlite_read_side(private_nats: str, sqlite_url: str) -> AsyncIterator[ReadSideHarness]:
    """The read side on SQLite only (behaviour that does not depend on the database)."""
    async with running_read_side(private_nats, sqlite_url, read_side_settings()) as harness:
        yield harness


def json_body(msg: Msg) -> Any:
    return json.loads(msg.data)
