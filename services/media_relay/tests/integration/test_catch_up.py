"""Negotiating asks room whether a listener joined (the relay copies no joins), and right after a
start or a promotion the relay's projection may not have seen it yet: when its own rules refuse
(or give no uplink) it asks room, and if room already allows more it waits for its projection
instead of refusing."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from parley.bots.sources import ToneTrack
from parley.chassis.errors import DomainError
from parley.contracts.events import room as ev
from parley.media_relay.engine.worker import CATCH_UP_S

HOST, LATE = "usr_host", "usr_late"


async def later(delay: float, job: Any) -> None:
    await asyncio.sleep(delay)
    await job


async def test_a_listener_is_admitted_on_rooms_word_at_once(stack) -> None:  # type: ignore[no-untyped-def]
    """The relay copies no joins: room's answer is the membership, nothing to wait for."""
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LATE)

    started = time.perf_counter()
    peer = await relay.connect(room.space_id, LATE)

    assert peer.answer["can_publish"] is False
    assert time.perf_counter() - started < CATCH_UP_S  # no waiting for a projection


async def test_a_start_the_relay_has_not_seen_yet_is_waited_for(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    space = room.space_id
    await room.append(space, ev.SpaceCreated(space_id=space, host_id=HOST, title="Test"))
    await room.join(LATE)
    room.says[LATE] = ("live", "listener")  # room has started it; the relay's copy not yet
    starting = asyncio.create_task(
        later(0.5, room.space_event(ev.SpaceStarted(space_id=space, host_id=HOST)))
    )

    started = time.perf_counter()
    peer = await relay.connect(space, LATE)
    await starting

    assert peer.answer["can_publish"] is False
    assert time.perf_counter() - started >= 0.45  # it did wait for the start to arrive


async def test_a_promotion_the_relay_has_not_seen_yet_gives_an_uplink(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LATE)
    room.says[LATE] = ("live", "speaker")
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


async def test_when_room_agrees_the_refusal_is_immediate(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)

    started = time.perf_counter()
    with pytest.raises(DomainError) as refused:
        await relay.connect(room.space_id, "usr_stranger")

    assert refused.value.status == 403
    assert time.perf_counter() - started < 1.0


async def test_room_away_a_listener_may_retry_and_the_stage_still_connects(stack) -> None:  # type: ignore[no-untyped-def]
    room, relay = stack
    await room.live_space(HOST)
    await room.join(LATE)
    await room.host_unmutes(HOST)
    await room.stop_answering()

    with pytest.raises(DomainError) as refused:
        await relay.connect(room.space_id, LATE)
    host = await relay.connect(room.space_id, HOST, ToneTrack(440.0))

    assert (refused.value.status, refused.value.type) == (503, "service-unavailable")
    assert host.answer["can_publish"] is True  # the stage needs no word from room
