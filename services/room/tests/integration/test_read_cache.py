"""Read-model answers that room keeps between requests (``queries/read_cache.py``) are never
older than the read model: a block, a suspension, a new display name, a join or a leave shows
in the very next request, after the same answer was read (and kept) before it."""

from __future__ import annotations

import pytest

from parley.chassis.errors import DomainError
from parley.contracts.events.identity import ProfileUpdated

from .conftest import Room


async def test_facts_read_before_a_block_or_a_suspension_do_not_let_them_in(room: Room) -> None:
    host, fan, other = await room.register("host", "fan", "other")
    space_id = await room.live_space(host)
    for user in (fan, other):  # their facts are read (and kept)
        await room.command("join_space", {"space_id": space_id}, user)
        await room.command("leave_space", {"space_id": space_id}, user)

    await room.block(host, fan)
    await room.suspend(other)

    with pytest.raises(DomainError) as blocked:
        await room.command("join_space", {"space_id": space_id}, fan)
    assert blocked.value.type == "blocked-by-host"
    with pytest.raises(DomainError) as suspended:
        await room.command("join_space", {"space_id": space_id}, other)
    assert suspended.value.type == "account-suspended"


async def test_a_view_read_again_shows_every_change_since(room: Room) -> None:
    host, fan = await room.register("host", "fan")
    space_id = await room.live_space(host)
    before = await room.query("get_space", {"space_id": space_id}, fan)
    assert (before["listener_count"], before["host"]["display_name"]) == (0, "Host")
    assert (await room.query("get_space", {"space_id": space_id}, fan)) == before

    joined = await room.command("join_space", {"space_id": space_id}, fan)
    assert joined["space"]["listener_count"] == 1
    assert (await room.query("get_space", {"space_id": space_id}, fan))["listener_count"] == 1
    await room.identity_event(host, ProfileUpdated(user_id=host, display_name="Hostess"))
    assert (await room.query("get_space", {"space_id": space_id}))["host"]["display_name"] == (
        "Hostess"
    )
    await room.command("leave_space", {"space_id": space_id}, fan)
    assert (await room.query("get_space", {"space_id": space_id}, fan))["listener_count"] == 0
