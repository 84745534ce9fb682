"""Identity blocks a user when a host removes them from a Space "with block" (spec §3)."""

from __future__ import annotations

import asyncio
from typing import Any

from nats.js.errors import NotFoundError

from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import make_broker
from parley.contracts import streams
from parley.contracts.events.room import ParticipantRemoved
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.policies.when_participant_removed_with_block_block_them import (
    NAME,
    block_them_when_removed_with_block,
)
from parley.identity.projections.graph import GraphProjection

POLICY_CONSUMER = f"policy_{NAME}"


async def remove(nats_url: str, space: str, host: str, user: str, *, block: bool) -> int:
    """What room appends when a host removes someone; returns its stream sequence."""
    broker = make_broker(nats_url, name="room-stand-in")
    await broker.connect()
    try:
        store = EventStore(broker.connection, stream=streams.ROOM.name, context="room")
        _, version = await store.load(space)
        return await store.append(
            space,
            [ParticipantRemoved(space_id=space, user_id=user, by=host, block=block)],
            expected_version=version,
            metadata=EventMetadata(correlation_id="cor_removal", actor=host),
        )
    finally:
        await broker.stop()


async def policy_handled(identity: Any, seq: int, timeout: float = 10) -> bool:
    """Whether identity's policy acknowledged the ROOM stream's events up to ``seq``."""
    js = identity.running.infra.nc.jetstream()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            info = await js.consumer_info(streams.ROOM.name, POLICY_CONSUMER)
        except NotFoundError:
            info = None
        if info is not None and info.ack_floor is not None and info.ack_floor.stream_seq >= seq:
            return True
        await asyncio.sleep(0.05)
    return False


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

    assert await policy_handled(identity, seq)
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

    assert await policy_handled(identity, seq)
    assert await blocked_by(identity, host["id"], "guest_2") is False


async def test_a_removal_delivered_again_changes_nothing_and_a_later_unblock_stands(
    identity: Any, private_nats: str
) -> None:
    host = await identity.register("host_3")
    guest = await identity.register("guest_3")
    seq = await remove(private_nats, "sp_3", host["id"], guest["id"], block=True)
    assert await policy_handled(identity, seq)
    infra = identity.running.infra
    (removal,), _ = await EventStore(infra.nc, stream="ROOM", context="room").load("sp_3")
    identity_events = EventStore(infra.nc, stream="IDENTITY", context="identity")
    policy = block_them_when_removed_with_block(
        IdentityDeps(
            store=identity_events,
            sessions=infra.sessions,
            credentials=None,  # type: ignore[arg-type]  (not used by the policy)
            passwords=None,  # type: ignore[arg-type]
            tokens=None,  # type: ignore[arg-type]
            positions=infra.positions,
        )
    )
    _, host_version = await identity_events.load(host["id"])

    # At least once: the same removal again records nothing more.
    await policy.react(removal.event, removal)  # type: ignore[arg-type]
    assert (await identity_events.load(host["id"]))[1] == host_version
    assert await infra.positions.wait(GraphProjection.name, host_version, timeout=5)
    assert await blocked_by(identity, host["id"], "guest_3")

    # The host changes their mind; a replay of the old removal (a new consumer starts from the
    # stream's first event) does not block the guest again.
    await identity.command("unblock", {"handle": "guest_3"}, actor=host["id"])
    _, host_version = await identity_events.load(host["id"])
    await policy.react(removal.event, removal)  # type: ignore[arg-type]
    assert (await identity_events.load(host["id"]))[1] == host_version
    assert await blocked_by(identity, host["id"], "guest_3") is False
