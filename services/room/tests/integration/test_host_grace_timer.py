"""The host-grace timer, on the broker (``parley.chassis.timers``): durable across a restart,
fires once, and never after the host came back. Tiny grace periods stand in for the 10
minutes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from parley.chassis.event_store import EventStore
from parley.chassis.timers import Timers
from parley.contracts.events.room import HostDisconnected
from parley.room.domain.evolve import parse_time
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.end_if_host_still_away import end_if_host_still_away
from parley.room.policies.when_host_disconnected_arm_the_grace_timer import grace_timer_id

GRACE_S = 1.0
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def far_future() -> datetime:
    return FAR_FUTURE


async def armed_deadline(room: Any, space_id: str) -> datetime | None:
    """The host-grace timer armed on the broker for the Space, if any."""
    timers = await Timers.open(room.running.infra.nc, "room")
    return await timers.armed(grace_timer_id(space_id))


async def deadline_of(room: Any, space_id: str) -> datetime:
    """The grace deadline of the Space's last HostDisconnected, exactly as stored."""
    stored, _ = await room.room_events.load(space_id)
    (last, *_) = [
        item.event for item in reversed(stored) if isinstance(item.event, HostDisconnected)
    ]
    deadline = parse_time(last.grace_deadline)
    assert deadline is not None
    return deadline


async def test_the_space_ends_once_even_across_a_restart(start_room: Any) -> None:
    async with start_room(host_grace_s=GRACE_S) as room:
        (host,) = await room.register("host")
        space_id = await room.live_space(host)
        away = await room.command("host_presence", {"space_id": space_id, "connected": False}, host)
        assert away["host_connected"] is False
        await room.eventually(lambda: armed_deadline(room, space_id))  # armed on the broker
        assert (await room.query("get_space", {"space_id": space_id}))["state"] == "live"
    # Down while the deadline passes.
    await asyncio.sleep(GRACE_S + 0.2)
    async with start_room(host_grace_s=GRACE_S) as room:

        async def ended() -> bool:
            view = await room.query("get_space", {"space_id": space_id})
            return view["state"] == "ended"

        await room.eventually(ended)
        await asyncio.sleep(0.5)  # nothing more happens
        assert (await room.events_of(space_id)).count("SpaceEnded") == 1
        assert await armed_deadline(room, space_id) is None  # fired: nothing left armed


async def test_a_host_back_in_time_keeps_the_space_live(start_room: Any) -> None:
    async with start_room(host_grace_s=GRACE_S) as room:
        (host,) = await room.register("host")
        space_id = await room.live_space(host)
        ref = {"space_id": space_id}
        await room.command("host_presence", {**ref, "connected": False}, host)
        await room.command("leave_space", ref, host)  # leaving is being away too
        back = await room.command("join_space", ref, host)
        assert back["space"]["host_connected"] is True
        await asyncio.sleep(GRACE_S + 0.5)
        assert (await room.query("get_space", ref))["state"] == "live"
        assert "SpaceEnded" not in await room.events_of(space_id)


async def test_timers_firing_at_once_in_several_places_end_the_space_once(
    room_on_each_database: Any,
) -> None:
    room = room_on_each_database
    (host,) = await room.register("host")
    space_id = await room.live_space(host)
    await room.command("host_presence", {"space_id": space_id, "connected": False}, host)
    state = await room.query("get_space", {"space_id": space_id})
    assert state["host_connected"] is False
    infra = room.running.infra
    deps = RoomDeps(
        store=EventStore(infra.nc, stream="ROOM", context="room"),
        sessions=infra.sessions,
        clock=far_future,
    )
    when = await deadline_of(room, space_id)
    fired = await asyncio.gather(*(end_if_host_still_away(deps, space_id, when) for _ in range(5)))
    assert sorted(fired) == [False, False, False, False, True]
    assert (await room.events_of(space_id)).count("SpaceEnded") == 1
