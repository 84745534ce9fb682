"""Read-your-writes as room uses it: a membership change answers once ``room_participants``
has applied it, waiting on the chassis' positions waiter (``infra.positions``), which the
projection runner's commit wakes, for many waiters at once."""

from __future__ import annotations

import asyncio

from parley.contracts.events.room import ListenerJoined, membership_id
from parley.room.projections.participants import ParticipantsProjection
from parley.room.queries.participants import listener_count

from .conftest import Room

PARTICIPANTS = ParticipantsProjection.name


async def test_waiters_wake_as_room_participants_commits(room: Room) -> None:
    positions = room.running.infra.positions
    await room.space("sp_watch", "usr_host")
    appended = [
        await room.append(
            membership_id("sp_watch", user), ListenerJoined(space_id="sp_watch", user_id=user)
        )
        for user in ("usr_a", "usr_b", "usr_c")
    ]
    waited = await asyncio.gather(*(positions.wait(PARTICIPANTS, seq, 10) for seq in appended))
    assert waited == [True, True, True]
    async with room.sessions() as session:  # what the waiter promised is there
        assert await listener_count(session, "sp_watch") == 3
    assert await positions.wait(PARTICIPANTS, appended[0], 0)  # already behind us: no wait


async def test_a_waiter_gives_up_and_the_others_go_on(room: Room) -> None:
    positions = room.running.infra.positions
    await room.space("sp_watch", "usr_host")
    await room.settle()
    beyond = room.versions["sp_watch"] + 1
    assert await positions.wait(PARTICIPANTS, beyond, timeout=0.05) is False
    patient = asyncio.create_task(positions.wait(PARTICIPANTS, beyond, timeout=10))
    await room.join("sp_watch", "usr_a")
    assert await patient


async def test_a_join_answers_once_the_listener_is_counted(room: Room) -> None:
    (host,) = await room.register("host")
    space_id = await room.live_space(host)
    joined = await room.command("join_space", {"space_id": space_id}, "usr_fan")
    assert joined["space"]["listener_count"] == 1
    async with room.sessions() as session:
        assert await listener_count(session, space_id) == 1
    left = await room.command("leave_space", {"space_id": space_id}, "usr_fan")
    assert left["listener_count"] == 0
