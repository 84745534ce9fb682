"""Races across the Space and a membership, made to happen deterministically: a removal or
the end lands between a join's look at the Space and its append. The join is undone after the
fact, so no membership outlives a removal or the end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from parley.chassis.errors import Conflict, DomainError, Forbidden
from parley.room.domain.commands import Actor
from parley.room.domain.state import Space
from parley.room.handlers import join_space

Interference = Callable[[], Awaitable[Any]]


def interfere_after_the_join_looked(
    monkeypatch: pytest.MonkeyPatch, interference: Interference
) -> None:
    """Run ``interference`` once, right after the join handler loaded the Space."""
    real_facts = join_space.actor_facts
    done = False

    async def facts_then_interfere(
        deps: Any, space: Space, user_id: str, *, keep: bool = True
    ) -> Actor:
        nonlocal done
        facts = await real_facts(deps, space, user_id, keep=keep)
        if not done:
            done = True
            await interference()
        return facts

    monkeypatch.setattr(join_space, "actor_facts", facts_then_interfere)


async def test_a_join_racing_a_removal_is_undone(
    room: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, ann = await room.register("host", "ann")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    await room.command("join_space", ref, ann)

    async def leave_and_get_removed() -> None:
        await room.command("leave_space", ref, ann)
        await room.command("invite_to_stage", {**ref, "user_id": ann, "role": "speaker"}, host)
        await room.command("accept_invitation", ref, ann)  # back in, and on stage
        await room.command("remove_participant", {**ref, "user_id": ann}, host)

    interfere_after_the_join_looked(monkeypatch, leave_and_get_removed)
    with pytest.raises(DomainError) as refusal:
        await room.command("join_space", ref, ann)
    assert (type(refusal.value), refusal.value.type) == (Forbidden, "removed-from-space")
    assert (await room.events_of(f"{space_id}~{ann}"))[-1] == "ParticipantLeft"
    assert (await room.query("my_role", ref, ann))["role"] == "removed"


async def test_a_join_racing_the_end_is_undone(room: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    host, ann = await room.register("host", "ann")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    interfere_after_the_join_looked(monkeypatch, lambda: room.command("end_space", ref, host))
    with pytest.raises(DomainError) as refusal:
        await room.command("join_space", ref, ann)
    assert (type(refusal.value), refusal.value.type) == (Conflict, "space-ended")
    assert await room.events_of(f"{space_id}~{ann}") == ["ListenerJoined", "ParticipantLeft"]


async def test_the_listener_cap_turns_joiners_away(room: Any) -> None:
    (host,) = await room.register("host")
    space_id = await room.live_space(host, max_listeners=2)
    ref = {"space_id": space_id}
    for user in ("usr_a", "usr_b"):
        await room.command("join_space", ref, user)

    async def both_counted() -> bool:
        return (await room.query("get_space", ref))["listener_count"] == 2

    await room.eventually(both_counted)
    with pytest.raises(DomainError) as refusal:
        await room.command("join_space", ref, "usr_c")
    assert (refusal.value.status, refusal.value.type) == (409, "space-full")
    assert (await room.command("join_space", ref, host))["role"] == "host"
