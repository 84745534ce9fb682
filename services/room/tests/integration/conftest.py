"""Fixtures for room's integration tests: the real service, in-process, on a private
nats-server (its stream and durable consumer names are fixed, so each test gets its own), with
identity's facts published straight onto the IDENTITY stream (identity itself is not running)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect
from parley.chassis.projections import wait_for_position
from parley.chassis.service import RunningService, start_service
from parley.contracts.events.identity import (
    UserBlocked,
    UserFollowed,
    UserRegistered,
    UserSuspended,
)
from parley.contracts.live import LiveMessage
from parley.contracts.registry import DomainEvent
from parley.room.bootstrap import definition
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
        "timer_poll_s": 0.1,
        "log_json": False,
    }
    return RoomSettings(**(values | overrides))


@dataclass
class Live:
    """Everything published on ``live.>`` since the test subscribed."""

    received: list[tuple[str, LiveMessage]] = field(default_factory=list)

    async def on_message(self, msg: Msg) -> None:
        self.received.append((msg.subject, LiveMessage.model_validate_json(msg.data)))

    def of_type(self, kind: str, subject: str | None = None) -> list[LiveMessage]:
        return [
            message
            for where, message in self.received
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
    """The running service, a bus client speaking its contract, and identity's stream."""

    def __init__(self, running: RunningService, nc: NATS) -> None:
        self.running = running
        self.nc = nc
        self.bus = BusClient(nc, timeout=15)
        self.identity = EventStore(nc, stream="IDENTITY", context="identity")
        self.room_events = EventStore(nc, stream="ROOM", context=CONTEXT)
        self._identity_versions: dict[str, int] = {}

    async def command(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.command(CONTEXT, name, payload, RequestContext(actor=actor))

    async def query(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.query(CONTEXT, name, payload, RequestContext(actor=actor))

    # -- identity facts, as identity would publish them ---------------------------------------

    async def identity_event(self, user_id: str, event: DomainEvent) -> None:
        version = await self.identity.append(
            user_id,
            [event],
            expected_version=self._identity_versions.get(user_id, 0),
            metadata=EventMetadata(correlation_id="cor_test", actor=user_id),
        )
        self._identity_versions[user_id] = version
        # Room's projection of identity has it before the test goes on.
        assert await wait_for_position(self.running.infra.sessions, "room_identity", version, 10)

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

    async def follow(self, follower: str, followee: str) -> None:
        await self.identity_event(
            follower, UserFollowed(follower_id=follower, followee_id=followee)
        )

    async def suspend(self, user_id: str) -> None:
        await self.identity_event(user_id, UserSuspended(user_id=user_id, moderator_id="usr_mod"))

    # -- shortcuts ---------------------------------------------------------------------------

    async def live_space(self, host: str, **fields: Any) -> str:
        created = await self.command("create_space", {"title": "Live now", **fields}, host)
        await self.command("start_space", {"space_id": created["id"]}, host)
        return str(created["id"])

    async def listen(self) -> Live:
        live = Live()
        await self.nc.subscribe("live.>", cb=live.on_message)
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


@contextlib.asynccontextmanager
async def running_room(settings: RoomSettings) -> AsyncIterator[Room]:
    running = await start_service(definition, settings)
    nc = await connect(settings.nats_url, name="room-test-client")
    try:
        yield Room(running, nc)
    finally:
        await nc.close()
        await running.stop()


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
