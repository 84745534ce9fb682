"""Fixtures for room's integration tests: the real service, in-process, on a private
nats-server (its stream and durable consumer names are fixed, so each test gets its own), with
identity's facts published straight onto the IDENTITY stream (identity itself is not running),
scheduling's events onto the SCHEDULING stream (nor is scheduling), recording's and clipping's
onto RECORDING and CLIPPING (nor are they), and room events scripted
straight onto the ROOM stream where a test needs a timeline that no command makes (chosen
times, a stage without a request)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from faststream.nats import NatsBroker
from nats.aio.msg import Msg

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.event_store import EventMetadata, EventStore, envelope_for, message_headers
from parley.chassis.messaging import ensure_stream, make_broker
from parley.chassis.service import RunningService, start_service
from parley.contracts import streams
from parley.contracts.api.room import ROUTES
from parley.contracts.events.identity import (
    UserBlocked,
    UserFollowed,
    UserRegistered,
    UserReinstated,
    UserSuspended,
)
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
from parley.contracts.routes import Route
from parley.contracts.subjects import event_subject
from parley.room.bootstrap import build, definition
from parley.room.clock import utc_now
from parley.room.projections.identity import RoomIdentityProjection
from parley.room.settings import RoomSettings

CONTEXT = "room"


def room_settings(
    tmp_path: Path, nats_url: str, database_url: str, **overrides: Any
) -> RoomSettings:
    values: dict[str, Any] = {
        "nats_url": nats_url,
        "database_url": database_url,
        "data_dir": tmp_path / "data",
        "public_url": "https://parley.test",
        # Presence is not remembered, so a test sees a leave or an end at once.
        "reaction_presence_cache_s": 0.0,
        "log_json": False,
    }
    return RoomSettings(**(values | overrides))


def route(kind: str, name: str) -> Route[Any, Any]:
    """Room's declared route ``name`` of ``kind`` (command or query)."""
    (found,) = (r for r in ROUTES.all if (r.kind, r.name) == (kind, name))
    return found


class Clock:
    """``now`` for the service: real time unless a test pins it."""

    def __init__(self) -> None:
        self.pinned: datetime | None = None

    def __call__(self) -> datetime:
        return self.pinned or utc_now()


class Live:
    """Everything published on a subject (pattern) since the test subscribed, with arrival
    times."""

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

    async def wait_for(
        self,
        kind: str,
        subject: str | None = None,
        *,
        where: Callable[[LiveMessage], bool] = lambda _: True,
        timeout: float = 10,
    ) -> LiveMessage:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [message for message in self.of_type(kind, subject) if where(message)]
            if found:
                return found[-1]
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {kind} on {subject or 'live.>'}: {self.received}")
            await asyncio.sleep(0.02)


class Room:
    """The running service, a bus client speaking its contract, identity's stream, and room
    events scripted onto the ROOM stream."""

    def __init__(self, running: RunningService, broker: NatsBroker, clock: Clock) -> None:
        self.running = running
        self.broker = broker
        self.nc = broker.connection
        self.clock = clock
        self.sessions = running.infra.sessions
        self.bus = BusClient(broker, timeout=15)
        self.identity = EventStore(self.nc, stream=streams.IDENTITY.name, context="identity")
        self.room_events = EventStore(self.nc, stream=streams.ROOM.name, context=CONTEXT)
        self.scheduling = EventStore(self.nc, stream=streams.SCHEDULING.name, context="scheduling")
        self.recording = EventStore(self.nc, stream=streams.RECORDING.name, context="recording")
        self.clipping = EventStore(self.nc, stream=streams.CLIPPING.name, context="clipping")
        self._identity_versions: dict[str, int] = {}
        self._scheduling_versions: dict[str, int] = {}
        self._other_versions: dict[tuple[str, str], int] = {}
        self.versions: dict[str, int] = {}

    # -- the bus -----------------------------------------------------------------------------

    async def command(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self._call(route("command", name), payload, actor)

    async def query(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self._call(route("query", name), payload, actor)

    async def _call(self, route: Route[Any, Any], payload: Any, actor: str | None) -> Any:
        # The payload goes as the JSON the tests wrote, unvalidated, so that the service's own
        # validation is what is tested; the answer comes back as JSON data too.
        result = await self.bus.call(route, payload, RequestContext(actor=actor))
        return route.result_adapter.dump_python(result, mode="json")

    # -- identity facts, as identity would publish them ---------------------------------------

    async def identity_event(self, user_id: str, event: DomainEvent, *, wait: bool = True) -> int:
        version = await self.identity.append(
            user_id,
            [event],
            expected_version=self._identity_versions.get(user_id, 0),
            metadata=EventMetadata(correlation_id="cor_test", actor=user_id),
        )
        self._identity_versions[user_id] = version
        if wait:  # room's projection of identity has it before the test goes on
            await self.identity_applied(version)
        return version

    async def identity_applied(self, version: int) -> None:
        positions = self.running.infra.positions  # the waiter room's handlers use
        # Generous: thousands of follows on PostgreSQL on a loaded 2-core machine; a deadline
        # for the test to give up, not a speed the test asserts.
        assert await positions.wait(RoomIdentityProjection.name, version, 90)

    async def register(self, *handles: str) -> list[str]:
        ids = []
        for handle in handles:
            user_id = f"usr_{handle}"
            event = UserRegistered(
                user_id=user_id, handle=handle, display_name=handle.title(), credential_ref="c"
            )
            await self.identity_event(user_id, event)
            ids.append(user_id)
        return ids

    async def block(self, blocker: str, blocked: str) -> None:
        await self.identity_event(blocker, UserBlocked(blocker_id=blocker, blocked_id=blocked))

    async def follow(self, follower: str, *followees: str) -> None:
        for followee in followees:
            await self.identity_event(
                follower, UserFollowed(follower_id=follower, followee_id=followee)
            )

    async def followed_by(self, followee: str, followers: list[str]) -> None:
        """Many followers at once (each their own aggregate), then one wait."""
        versions = []
        for batch in range(0, len(followers), 200):
            versions += await asyncio.gather(
                *(
                    self.identity_event(
                        follower,
                        UserFollowed(follower_id=follower, followee_id=followee),
                        wait=False,
                    )
                    for follower in followers[batch : batch + 200]
                )
            )
        await self.identity_applied(max(versions))

    async def suspend(self, user_id: str) -> None:
        await self.identity_event(user_id, UserSuspended(user_id=user_id, moderator_id="usr_mod"))

    async def reinstate(self, user_id: str) -> None:
        await self.identity_event(user_id, UserReinstated(user_id=user_id, moderator_id="usr_mod"))

    # -- scheduling's events, as scheduling would publish them ---------------------------------

    async def scheduling_event(self, aggregate_id: str, event: DomainEvent) -> int:
        """Append to SCHEDULING (a host's schedule: the host's id; a reminder: space~user);
        answers the event's stream sequence."""
        version = await self.scheduling.append(
            aggregate_id,
            [event],
            expected_version=self._scheduling_versions.get(aggregate_id, 0),
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        self._scheduling_versions[aggregate_id] = version
        return version

    # -- recording's and clipping's events, as they would publish them -------------------------

    async def recording_event(self, space_id: str, event: DomainEvent) -> int:
        """Append to RECORDING (one aggregate per recorded Space: its id)."""
        return await self._append_other(self.recording, space_id, event)

    async def clipping_event(self, clip_id: str, event: DomainEvent) -> int:
        """Append to CLIPPING (one aggregate per clip)."""
        return await self._append_other(self.clipping, clip_id, event)

    async def _append_other(self, store: EventStore, aggregate_id: str, event: DomainEvent) -> int:
        key = (store.stream, aggregate_id)
        version = await store.append(
            aggregate_id,
            [event],
            expected_version=self._other_versions.get(key, 0),
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        self._other_versions[key] = version
        return version

    # -- room events scripted onto the stream --------------------------------------------------

    async def append(self, aggregate_id: str, *events: DomainEvent) -> int:
        """Append with the event store (optimistic concurrency on the aggregate)."""
        version = await self.room_events.append(
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
            stream=streams.ROOM.name,
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
        """Every read model has applied everything on its stream."""
        for runner in self.running.runners:
            await runner.wait_until_caught_up(timeout=20)

    # -- shortcuts ---------------------------------------------------------------------------

    async def live_space(self, host: str, **fields: Any) -> str:
        created = await self.command("create_space", {"title": "Live now", **fields}, host)
        await self.command("start_space", {"space_id": created["id"]}, host)
        return str(created["id"])

    async def listen(self, subject: str = "live.>") -> Live:
        live = Live()
        await self.nc.subscribe(subject, cb=live.on_message)
        await self.nc.flush()
        return live

    async def events_of(self, aggregate_id: str) -> list[str]:
        stored, _ = await self.room_events.load(aggregate_id)
        return [item.envelope.event_type for item in stored]

    async def eventually(
        self, check: Callable[[], Any], *, timeout: float = 10, interval: float = 0.05
    ) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            result = await check()
            if result:
                return result
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(interval)


async def client_broker(nats_url: str, name: str) -> NatsBroker:
    broker = make_broker(nats_url, name=name)
    await broker.connect()
    return broker


async def other_streams_exist(broker: NatsBroker) -> None:
    """What identity, scheduling, recording and clipping (the owners of IDENTITY, SCHEDULING,
    RECORDING and CLIPPING) do at their start: room only waits for them."""
    for spec in (streams.IDENTITY, streams.SCHEDULING, streams.RECORDING, streams.CLIPPING):
        await ensure_stream(broker.connection, spec)


@contextlib.asynccontextmanager
async def running_room(settings: RoomSettings) -> AsyncIterator[Room]:
    broker = await client_broker(settings.nats_url, "room-test-client")
    try:
        await other_streams_exist(broker)
        clock = Clock()
        with_clock = replace(definition, build=partial(build, clock=clock))
        running = await start_service(with_clock, settings)
        try:
            yield Room(running, broker, clock)
        finally:
            await running.stop()
    finally:
        await broker.stop()


@pytest.fixture
async def room(tmp_path: Path, private_nats: str, sqlite_url: str) -> AsyncIterator[Room]:
    async with running_room(room_settings(tmp_path, private_nats, sqlite_url)) as service:
        yield service


@pytest.fixture
async def room_on_each_database(
    tmp_path: Path, private_nats: str, database_url: str
) -> AsyncIterator[Room]:
    async with running_room(room_settings(tmp_path, private_nats, database_url)) as service:
        yield service


RoomStarter = Callable[..., contextlib.AbstractAsyncContextManager[Room]]


@pytest.fixture
def start_room(tmp_path: Path, private_nats: str, sqlite_url: str) -> RoomStarter:
    """Start (and restart) the service on one database with chosen settings."""

    def start(**overrides: Any) -> contextlib.AbstractAsyncContextManager[Room]:
        return running_room(room_settings(tmp_path, private_nats, sqlite_url, **overrides))

    return start
