"""``get_space_analytics`` for a scripted timeline: the host's numbers, and who may see them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from parley.chassis.errors import Forbidden, NotFound, Unauthorized
from parley.contracts.events.room import (
    CohostAdded,
    ListenerJoined,
    MovedToAudience,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpeakerPromoted,
    membership_id,
)
from parley.contracts.registry import DomainEvent

from .conftest import Room

SPACE = "sp_stats"
HOST = "usr_host"


async def test_analytics_of_a_scripted_space(room_on_each_database: Room) -> None:
    room = room_on_each_database
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)

    def at(seconds: int) -> datetime:
        return t0 + timedelta(seconds=seconds)

    async def membership(seconds: int, user: str, event: type[DomainEvent]) -> None:
        await room.append_at(
            at(seconds), membership_id(SPACE, user), event(space_id=SPACE, user_id=user)
        )

    async def space(seconds: int, event: DomainEvent) -> None:
        await room.append_at(at(seconds), SPACE, event)

    await space(0, SpaceCreated(space_id=SPACE, host_id=HOST, title="Stats"))
    await space(0, SpaceStarted(space_id=SPACE, host_id=HOST))
    await membership(0, HOST, ListenerJoined)  # the host's own presence is not a listener's
    await membership(0, "usr_a", ListenerJoined)
    await membership(10, "usr_c", ListenerJoined)
    await membership(30, "usr_b", ListenerJoined)
    await space(40, ParticipantRemoved(space_id=SPACE, user_id="usr_c", by=HOST))
    await membership(60, "usr_a", ParticipantLeft)
    await membership(90, "usr_b", ParticipantLeft)
    await membership(100, "usr_d", ListenerJoined)
    await space(110, SpeakerPromoted(space_id=SPACE, user_id="usr_d", by=HOST, via="request"))
    # invited from outside the Space: on stage without a listener's stay
    await space(115, CohostAdded(space_id=SPACE, user_id="usr_e", invited_by=HOST))
    await membership(120, "usr_b", ListenerJoined)
    await space(130, MovedToAudience(space_id=SPACE, user_id="usr_d", by=HOST))
    await space(140, SpeakerPromoted(space_id=SPACE, user_id="usr_d", by=HOST, via="request"))
    await room.settle()

    for _ in range(3):
        await room.command("react", {"space_id": SPACE, "emoji": "🔥"}, actor="usr_b")
    await room.command("react", {"space_id": SPACE, "emoji": "👏"}, actor="usr_e")
    await asyncio.sleep(0.6)  # the aggregator's window closes and its totals are stored

    # Live, at t0 + 150 s: b's and d's stays are still open (30 s and 50 s so far).
    room.clock.pinned = at(150)
    stats = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert stats == {
        "space_id": SPACE,
        "unique_listeners": 4,  # a, b, c, d
        "peak_concurrent": 3,  # a, c, b at t0 + 30 s (the host is on stage: not counted)
        "average_listening_s": (60 + 60 + 30 + 30 + 50) / 4,
        "speakers": 2,  # d (twice), e
        "reactions": 4,
        "replay_plays": 0,
        "clips": 0,
    }

    # Ended at t0 + 180 s: the open stays end there, whatever the time is now.
    await room.append(
        SPACE, SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=at(180))
    )
    await room.settle()
    room.clock.pinned = None
    stats = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert stats["average_listening_s"] == (60 + 60 + 60 + 30 + 80) / 4
    assert (stats["unique_listeners"], stats["peak_concurrent"], stats["speakers"]) == (4, 3, 2)


async def test_only_the_host_sees_analytics(room: Room) -> None:
    await room.space(SPACE, HOST)
    await room.settle()

    empty = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert (empty["unique_listeners"], empty["average_listening_s"], empty["reactions"]) == (
        0,
        0.0,
        0,
    )
    with pytest.raises(Forbidden) as forbidden:
        await room.query("get_space_analytics", {"space_id": SPACE}, actor="usr_other")
    assert forbidden.value.type == "not-host"
    with pytest.raises(NotFound) as unknown:
        await room.query("get_space_analytics", {"space_id": "sp_nope"}, actor=HOST)
    assert unknown.value.type == "space-not-found"
    with pytest.raises(Unauthorized) as anonymous:
        await room.query("get_space_analytics", {"space_id": SPACE})
    assert anonymous.value.type == "unauthenticated"
