"""Room's commands at most once per command id: a repeat is answered with the first outcome,
and a ``create_space`` run again after its first attempt's replica died (its outcome never
stored) finds the Space it made instead of making a second one."""

from __future__ import annotations

from typing import Any

import pytest

from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.idempotency import Command
from parley.contracts.api import room as api
from parley.contracts.api.room import CreateSpace, SpaceRef
from parley.contracts.events.room import membership_id


async def test_a_repeated_join_is_answered_once(room: Any) -> None:
    host, fan = await room.register("host", "fan")
    space_id = await room.live_space(host)
    ctx = RequestContext(actor=fan, command_id=f"{fan}:join-1")

    first = await room.bus.call(api.JOIN_SPACE, SpaceRef(space_id=space_id), ctx)
    again = await room.bus.call(api.JOIN_SPACE, SpaceRef(space_id=space_id), ctx)

    assert first == again
    membership = await room.events_of(membership_id(space_id, fan))
    assert membership.count("ListenerJoined") == 1


async def test_create_space_run_again_after_its_outcome_was_lost_makes_no_second_space(
    room: Any,
) -> None:
    (host,) = await room.register("host")
    ctx = RequestContext(actor=host, command_id=f"{host}:create-1")
    payload = CreateSpace(title="Once only")

    first = await room.bus.call(api.CREATE_SPACE, payload, ctx)
    # The replica that ran it died before storing its outcome: the claim is taken over and
    # the command runs again.
    await room.running.infra.outcomes.release(Command(ctx.command_id, api.CREATE_SPACE.subject))
    again = await room.bus.call(api.CREATE_SPACE, payload, ctx)
    other = await room.bus.call(api.CREATE_SPACE, payload, RequestContext(actor=host))

    assert again.id == first.id
    assert await room.events_of(first.id) == ["SpaceCreated"]
    assert other.id != first.id  # another command: another Space


async def test_another_callers_command_id_cannot_reach_a_space_it_did_not_make(
    room: Any,
) -> None:
    host, intruder = await room.register("host", "intruder")
    ctx = RequestContext(actor=host, command_id="shared-key")
    made = await room.bus.call(api.CREATE_SPACE, CreateSpace(title="Mine"), ctx)
    await room.running.infra.outcomes.release(Command("shared-key", api.CREATE_SPACE.subject))

    theirs = RequestContext(actor=intruder, command_id="shared-key")  # (the gateway scopes ids)
    with pytest.raises(DomainError) as refused:
        await room.bus.call(api.CREATE_SPACE, CreateSpace(title="Mine"), theirs)

    assert refused.value.type == "space-exists"
    assert await room.events_of(made.id) == ["SpaceCreated"]
