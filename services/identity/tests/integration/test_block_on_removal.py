"""Identity blocks a user when a host removes them from a Space "with block" (spec §3)."""

from __future__ import annotations

import asyncio
from typing import Any

from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect
from parley.chassis.projections import wait_for_position
from parley.contracts.events.room import ParticipantRemoved

POLICY = "identity_block_on_removal"


async def remove(nats_url: str, space: str, host: str, user: str, *, block: bool) -> int:
    """What room appends when a host removes someone; returns its stream sequence."""
    nc = await connect(nats_url, name="room-stand-in")
    try:
        store = EventStore(nc, stream="ROOM", context="room")
        _, version = await store.load(space)
        return await store.append(
            space,
            [ParticipantRemoved(space_id=space, user_id=user, by=host, block=block)],
            expected_version=version,
            metadata=EventMetadata(correlation_id="cor_removal", actor=host),
        )
    finally:
        await nc.close()


async def blocked_by(identity: Any, viewer: str, handle: str) -> bool:
    view = await identity.query("get_user", {"handle": handle}, actor=viewer)
    return bool(view["blocked_by_me"])


async def test_remove_with_block_blocks_and_ends_the_follow(
    identity: Any, private_nats: str
) -> None:
    host = await identity.register("host_1")
    guest = await identity.register("guest_1")
    await identity.command("follow", {"handle": "host_1"}, actor=guest["id"])

    seq = await remove(private_nats, "sp_1", host["id"], guest["id"], block=True)

    assert await wait_for_position(identity.running.infra.sessions, POLICY, seq, timeout=10)
    # The block lands on the host's aggregate first; the guest's follow is dropped by a
    # second command on the guest's own aggregate, so both are awaited (eventual consistency).
    deadline = asyncio.get_running_loop().time() + 5
    while not await blocked_by(identity, host["id"], "guest_1"):
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.05)
    while (await identity.query("get_user", {"handle": "host_1"}, actor=guest["id"]))[
        "followed_by_me"
    ]:
        assert asyncio.get_running_loop().time() < deadline, "the guest still follows the host"
        await asyncio.sleep(0.05)


async def test_a_plain_removal_blocks_nobody(identity: Any, private_nats: str) -> None:
    host = await identity.register("host_2")
    guest = await identity.register("guest_2")

    seq = await remove(private_nats, "sp_2", host["id"], guest["id"], block=False)

    assert await wait_for_position(identity.running.infra.sessions, POLICY, seq, timeout=10)
    assert await blocked_by(identity, host["id"], "guest_2") is False
