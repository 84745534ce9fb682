"""The read side inside the whole room service (``bootstrap.definition``): the write side's
commands produce the events, identity events feed follows, and the read side answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect
from parley.chassis.service import RunningService, start_service
from parley.contracts.events.identity import UserFollowed, UserRegistered
from parley.room.bootstrap import definition
from parley.room.settings import RoomSettings

from .conftest import Listener


class Room:
    def __init__(self, running: RunningService, bus: BusClient) -> None:
        self.running = running
        self.bus = bus

    async def command(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.command("room", name, payload, RequestContext(actor=actor))

    async def query(self, name: str, payload: Any, actor: str | None = None) -> Any:
        return await self.bus.query("room", name, payload, RequestContext(actor=actor))

    async def settle(self) -> None:
        for runner in self.running.runners:
            await runner.wait_until_caught_up(timeout=20)


@pytest.fixture
async def room(tmp_path: Path, private_nats: str, sqlite_url: str) -> AsyncIterator[Room]:
    settings = RoomSettings(
        nats_url=private_nats,
        database_url=sqlite_url,
        data_dir=tmp_path / "data",
        public_url="https://parley.example",
        log_json=False,
    )
    running = await start_service(definition, settings)
    nc = await connect(private_nats, name="room-test-client")
    try:
        yield Room(running, BusClient(nc, timeout=10))
    finally:
        await nc.close()
        await running.stop()


async def register(room: Room, *handles: str) -> None:
    store = EventStore(room.running.infra.nc, stream="IDENTITY", context="identity")
    for handle in handles:
        await store.append(
            f"usr_{handle}",
            [
                UserRegistered(
                    user_id=f"usr_{handle}", handle=handle, display_name=handle, credential_ref="c"
                )
            ],
            expected_version=0,
            metadata=EventMetadata(correlation_id="cor_test"),
        )


async def test_a_space_from_the_write_side_is_discovered_joined_and_reacted_to(
    room: Room,
) -> None:
    await register(room, "host", "ann", "fan")
    store = EventStore(room.running.infra.nc, stream="IDENTITY", context="identity")
    _, version = await store.load("usr_fan")
    await store.append(
        "usr_fan",
        [UserFollowed(follower_id="usr_fan", followee_id="usr_host")],
        expected_version=version,
        metadata=EventMetadata(correlation_id="cor_test"),
    )
    await room.settle()
    nc = room.running.infra.nc
    fan_inbox = Listener()
    await nc.subscribe("live.user.usr_fan", cb=fan_inbox.on_message)
    space_live = Listener()

    created = await room.command(
        "create_space", {"title": "Live jazz", "topics": ["Music"]}, actor="usr_host"
    )
    space_id = created["id"]
    await nc.subscribe(f"live.space.{space_id}", cb=space_live.on_message)
    await room.command("start_space", {"space_id": space_id}, actor="usr_host")
    await room.command("join_space", {"space_id": space_id}, actor="usr_ann")
    await room.settle()

    page = await room.query("list_spaces", {"topic": "music"})
    [summary] = page["items"]
    assert summary["id"] == space_id
    assert summary["host"]["handle"] == "host"
    assert summary["share_url"] == f"https://parley.example/spaces/{space_id}"
    view = await room.query("get_space", {"space_id": space_id})
    assert summary["listener_count"] == view["listener_count"] >= 1
    following = await room.query("list_spaces", {"following": True}, actor="usr_fan")
    assert [item["id"] for item in following["items"]] == [space_id]

    assert (await room.command("react", {"space_id": space_id, "emoji": "👏"}, actor="usr_ann"))[
        "accepted"
    ]
    inbox = await room.query("list_notifications", {}, actor="usr_fan")
    assert [item["kind"] for item in inbox["items"]] == ["followed_went_live"]
    assert inbox["items"][0]["text"] == "@host is live: “Live jazz”"

    for _ in range(50):
        if space_live.of_type("reactions") and space_live.of_type("listeners.count"):
            break
        await asyncio.sleep(0.05)
    assert space_live.of_type("reactions")[0].data["counts"] == {"👏": 1}
    assert space_live.of_type("listeners.count")[-1].data == {"count": view["listener_count"]}
    assert [m.data["kind"] for m in fan_inbox.of_type("notification")] == ["followed_went_live"]
