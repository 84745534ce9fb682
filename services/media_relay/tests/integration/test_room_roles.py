"""Every worker folds room's roles events into the roles it enforces, in stream order, after a
snapshot of its projection: in a burst, and across a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parley.chassis.event_store import EventStore
from parley.chassis.messaging import connect
from parley.chassis.service import RunningService
from parley.contracts.events import room as ev
from parley.contracts.registry import DomainEvent
from parley.media_relay.domain.roles import SpaceRoles, evolve
from parley.media_relay.queries.roles import RoomRoles

from ..conftest import Relay, Room, relay_worker, start_worker

HOST = "usr_host"


def folded(space_id: str, events: list[DomainEvent]) -> SpaceRoles:
    roles = SpaceRoles(space_id=space_id)
    for event in events:
        roles = evolve(roles, event)
    return roles


async def enforces(service: RunningService, space_id: str, expected: SpaceRoles) -> None:
    """Until ``service``'s worker enforces ``expected`` in ``space_id``; its projection has
    them too."""
    worker = relay_worker(service)
    deadline = time.monotonic() + 10
    while worker.roles_of(space_id) != expected:
        assert time.monotonic() < deadline, (worker.roles_of(space_id), expected)
        await asyncio.sleep(0.02)
    projection = RoomRoles(service.infra.sessions, projection=f"media_roles_{worker.worker_id}")
    assert await projection.roles(space_id) == expected


async def test_a_burst_of_roles_events_is_folded_in_stream_order(
    stack: tuple[Room, Relay],
) -> None:
    room, _ = stack
    space = room.space_id
    users = [f"usr_{n}" for n in range(12)]
    history: list[DomainEvent] = [
        ev.SpaceCreated(space_id=space, host_id=HOST, title="Burst"),
        ev.SpaceStarted(space_id=space, host_id=HOST),
    ]
    await room.append(space, *history)
    for user in users:
        await room.join(user)

    # One append, one delivery burst: a promotion and the unmute right after it, for each.
    burst: list[DomainEvent] = []
    for user in users:
        burst += [
            ev.SpeakerPromoted(space_id=space, user_id=user, by=HOST, via="invitation"),
            ev.SpeakerUnmuted(space_id=space, user_id=user),
        ]
    burst += [
        ev.SpeakerMuted(space_id=space, user_id=users[0], by=HOST),
        ev.MovedToAudience(space_id=space, user_id=users[1], by=HOST),
        ev.CohostAdded(space_id=space, user_id=users[2], invited_by=HOST),
        ev.ParticipantRemoved(space_id=space, user_id=users[3], by=HOST),
    ]
    await room.append(space, *burst)

    expected = folded(space, history + burst)
    assert expected.open_mics == frozenset(users) - {users[0], users[1], users[3]}
    await enforces(room.workers[0], space, expected)


async def test_a_restarted_worker_catches_up_with_what_happened_while_it_was_away(
    tmp_path: Path, private_nats: str, worker_factory: Callable[..., Any]
) -> None:
    first = await start_worker(tmp_path, private_nats, "w1")  # stopped here, not by the factory
    nc = await connect(private_nats, name="test-room")
    try:
        room = Room(EventStore(nc, stream="ROOM", context=ev.CONTEXT), [first])
        space = room.space_id
        history: list[DomainEvent] = [
            ev.SpaceCreated(space_id=space, host_id=HOST, title="Away"),
            ev.SpaceStarted(space_id=space, host_id=HOST),
            ev.SpeakerUnmuted(space_id=space, user_id=HOST),
        ]
        await room.append(space, *history)
        await enforces(first, space, folded(space, history))
        await first.stop()

        room.workers.clear()
        while_away: list[DomainEvent] = [
            ev.SpeakerPromoted(space_id=space, user_id="usr_a", by=HOST, via="request"),
            ev.SpeakerUnmuted(space_id=space, user_id="usr_a"),
            ev.SpeakerMuted(space_id=space, user_id=HOST, by=HOST),
        ]
        await room.append(space, *while_away)

        again = await worker_factory("w1")  # the same database: its projection resumes
        room.workers.append(again)
        await enforces(again, space, folded(space, history + while_away))

        after: list[DomainEvent] = [ev.SpeakerUnmuted(space_id=space, user_id=HOST)]
        await room.append(space, *after)
        await enforces(again, space, folded(space, history + while_away + after))
    finally:
        await nc.close()
