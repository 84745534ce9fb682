"""Negotiating right after a join or a promotion: the relay's projection may not have seen it
yet, so when its own rules refuse (or give no uplink) it asks room, and if room already allows
more it waits for its projection instead of refusing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from parley.bots.sources import ToneTrack
from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.errors import DomainError
from parley.chassis.messaging import make_broker
from parley.contracts.api.room import MY_ROLE, MyRole, SpaceRef
from parley.contracts.events import room as ev

HOST, LATE = "usr_host", "usr_late"


@pytest.fixture
async def room_answers(private_nats: str) -> AsyncIterator[dict[str, tuple[str, str]]]:
    """A stand-in for room's ``qry.room.my_role`` (served on its route, as room serves it):
    answers what the test puts in the dict."""
    answers: dict[str, tuple[str, str]] = {}

    async def my_role(payload: SpaceRef, ctx: RequestContext) -> MyRole:
        state, role = answers.get(ctx.actor or "", ("live", "none"))
        return MyRole.model_validate({"space_id": payload.space_id, "state": state, "role": role})

    router = route_router()
    serve(router, MY_ROLE, my_role, queue="room")
    broker = make_broker(private_nats, name="room-my-role")
    broker.include_router(router)
    await broker.start()
    yield answers
    await broker.stop()


async def later(delay: float, job: Any) -> None:
    await asyncio.sleep(delay)
    await job


async def test_a_join_the_relay_has_not_seen_yet_is_waited_for(stack, room_answers) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    room_answers[LATE] = ("live", "listener")  # room has the join; the relay's copy not yet
    joining = asyncio.create_task(later(0.5, room.join(LATE)))

    started = time.perf_counter()
    peer = await relay.connect(room.space_id, LATE)
    await joining

    assert peer.answer["can_publish"] is False
    assert time.perf_counter() - started >= 0.45  # it did wait for the join to arrive


async def test_a_promotion_the_relay_has_not_seen_yet_gives_an_uplink(stack, room_answers) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LATE)
    room_answers[LATE] = ("live", "speaker")
    promoting = asyncio.create_task(
        later(
            0.5,
            room.space_event(
                ev.SpeakerPromoted(space_id=room.space_id, user_id=LATE, by=HOST, via="request")
            ),
        )
    )

    peer = await relay.connect(room.space_id, LATE, ToneTrack(660.0))
    await promoting

    assert peer.answer["can_publish"] is True


async def test_when_room_agrees_the_refusal_is_immediate(stack, room_answers) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    room_answers["usr_stranger"] = ("live", "none")

    started = time.perf_counter()
    with pytest.raises(DomainError) as refused:
        await relay.connect(room.space_id, "usr_stranger")

    assert refused.value.status == 403
    assert time.perf_counter() - started < 1.0
