"""Room's own view of identity (room_identity) and the suspension policy: a suspended host's
Spaces end, a suspended participant leaves the stage and the Space; both once, and a replayed
suspension decides on the present."""

from __future__ import annotations

from typing import Any

import pytest

from parley.chassis.errors import DomainError
from parley.contracts import streams
from parley.room.policies.when_user_suspended_end_their_spaces_and_remove_them import NAME

from .conftest import Room, RoomStarter, client_broker

POLICY = f"policy_{NAME}"  # its durable consumer on the IDENTITY stream


async def test_a_suspended_host_space_ends_and_a_suspended_speaker_leaves(room: Any) -> None:
    host, other_host, ann, bob = await room.register("host", "other", "ann", "bob")
    hosted = await room.live_space(host)
    elsewhere = await room.live_space(other_host)
    for space_id in (hosted, elsewhere):
        for user in (ann, bob):
            await room.command("join_space", {"space_id": space_id}, user)
    ref = {"space_id": elsewhere}
    await room.command("invite_to_stage", {**ref, "user_id": host, "role": "speaker"}, other_host)
    await room.command("accept_invitation", ref, host)  # the host of one Space speaks in another
    await room.command("request_to_speak", ref, ann)
    await room.command("accept_speaker_request", {**ref, "user_id": ann}, other_host)

    await room.suspend(host)
    await room.suspend(ann)

    async def hosted_ended() -> bool:
        return (await room.query("get_space", {"space_id": hosted}))["state"] == "ended"

    async def both_gone() -> bool:
        view = await room.query("get_space", ref, other_host)
        return view["speakers"] == []

    await room.eventually(hosted_ended)
    await room.eventually(both_gone)
    for user in (host, ann):
        assert (await room.query("my_role", ref, user))["role"] == "none"
        events = await room.events_of(f"{elsewhere}~{user}")
        assert events[-1] == "ParticipantLeft"
    # Bob, not suspended, is still there; the other Space goes on.
    assert (await room.query("my_role", ref, bob))["role"] == "listener"
    assert (await room.query("get_space", ref))["state"] == "live"
    assert (await room.events_of(hosted)).count("SpaceEnded") == 1

    # A suspended user can neither host nor join.
    with pytest.raises(DomainError) as refusal:
        await room.command("create_space", {"title": "again"}, host)
    assert (refusal.value.status, refusal.value.type) == (403, "account-suspended")
    with pytest.raises(DomainError) as refusal:
        await room.command("join_space", ref, ann)
    assert refusal.value.type == "account-suspended"


async def test_a_replayed_suspension_ends_nothing_new(start_room: RoomStarter) -> None:
    """At least once, and from the stream's start on a new consumer: a suspension delivered
    again ends a suspended host's Space once, and never the Spaces a reinstated host opened
    after their reinstatement."""
    async with start_room() as room:
        banned, forgiven = await room.register("banned", "forgiven")
        ended = await room.live_space(banned)
        await room.suspend(banned)

        async def ended_by_the_policy() -> bool:
            return (await room.query("get_space", {"space_id": ended}))["state"] == "ended"

        await room.eventually(ended_by_the_policy)
        await room.suspend(forgiven)
        await policy_done(room)
        await room.reinstate(forgiven)
        reopened = await room.live_space(forgiven)

    # The policy's consumer is gone (a new deployment, a reset): every suspension comes again.
    broker = await client_broker(room.running.infra.settings.nats_url, "consumer-reset")
    try:
        await broker.connection.jetstream().delete_consumer(streams.IDENTITY.name, POLICY)
    finally:
        await broker.stop()
    async with start_room() as room:
        await policy_done(room)
        assert (await room.query("get_space", {"space_id": reopened}))["state"] == "live"
        assert "SpaceEnded" not in await room.events_of(reopened)
        assert (await room.events_of(ended)).count("SpaceEnded") == 1


async def policy_done(room: Room) -> None:
    """The policy's consumer has handled (and acknowledged) every suspension so far."""
    js = room.nc.jetstream()

    async def drained() -> bool:
        info = await js.consumer_info(streams.IDENTITY.name, POLICY)
        return bool(info.num_pending == 0 and info.num_ack_pending == 0)

    await room.eventually(drained, timeout=20)
