"""Two relay workers serve one Space: the origin mixes it, an edge takes the overflow of
listeners and plays them the origin's program, which reaches it over NATS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from parley.bots.analysis import has_tone
from parley.bots.sources import SAMPLE_RATE, ToneTrack
from parley.chassis.bus import BusClient
from parley.chassis.event_store import EventStore
from parley.chassis.service import RunningService
from parley.contracts.events import room as ev
from parley.media_relay.domain.placement import rendezvous

from ..conftest import Peer, Relay, Room, client_broker, relay_worker

HOST, SPEAKER = "usr_host", "usr_speaker"
TONE = 660.0


@dataclass
class Pair:
    room: Room
    relay: Relay
    origin: RunningService  # the Space's origin, full after one listener
    edge: RunningService

    @property
    def origin_id(self) -> str:
        return relay_worker(self.origin).worker_id

    @property
    def edge_id(self) -> str:
        return relay_worker(self.edge).worker_id


@pytest.fixture
async def pair(private_nats: str, worker_factory: Callable[..., Any]) -> AsyncIterator[Pair]:
    broker = await client_broker(private_nats)
    room = Room(EventStore(broker.connection, stream="ROOM", context=ev.CONTEXT), workers=[])
    origin_id = rendezvous(room.space_id, ["w1", "w2"])  # what placement will choose
    edge_id = "w2" if origin_id == "w1" else "w1"
    origin = await worker_factory(origin_id, media_capacity=1)
    edge = await worker_factory(edge_id)
    room.workers.extend([origin, edge])  # room events count as appended once both saw them
    relay = Relay(BusClient(broker, timeout=15))
    await room.answer_my_role(private_nats)
    await sees(edge, origin_id)
    await sees(origin, edge_id)
    yield Pair(room, relay, origin, edge)
    await relay.close()
    await room.stop_answering()
    await broker.stop()


async def sees(observer: RunningService, worker_id: str, *, listeners: int | None = None) -> None:
    """Until ``observer`` has a heartbeat of ``worker_id`` (with that many listeners)."""
    deadline = time.monotonic() + 10
    while True:
        load = relay_worker(observer).loads().get(worker_id)
        if load is not None and (listeners is None or load.listeners == listeners):
            return
        assert time.monotonic() < deadline, f"no heartbeat of {worker_id} with {listeners}"
        await asyncio.sleep(0.05)


async def hears(peer: Peer, frequency: float, timeout: float = 10.0) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
        recent = peer.recorder.samples(start=time.perf_counter() - 0.6)
        if recent.size > SAMPLE_RATE * 0.35 and has_tone(recent, SAMPLE_RATE, frequency):
            return True
    return False


def served_by(service: RunningService, space_id: str) -> set[str]:
    space = relay_worker(service).spaces.get(space_id)
    return set() if space is None else set(space.sessions)


async def test_listeners_overflow_to_an_edge_that_plays_the_origins_program(pair: Pair) -> None:
    room, relay, origin, edge = pair.room, pair.relay, pair.origin, pair.edge
    space = room.space_id
    listeners = [f"usr_l{i}" for i in range(1, 5)]
    await room.live_space(HOST)
    await room.speaker(SPEAKER)
    for user in listeners:
        await room.join(user)

    # the origin has room for one listener: even asked at the edge, it goes there
    first = await relay.connect(space, listeners[0], via=edge)
    assert first.answer["worker_id"] == pair.origin_id
    await sees(edge, pair.origin_id, listeners=1)

    # a stage member always goes to the origin, full or not, whoever is asked
    speaker = await relay.connect(space, SPEAKER, ToneTrack(TONE), via=edge)
    assert speaker.answer["worker_id"] == pair.origin_id
    assert speaker.answer["can_publish"] is True

    # past its capacity, listeners go to the edge: forwarded by the origin, kept by the edge,
    # and whichever worker the queue group hands the request to
    overflow = [
        await relay.connect(space, listeners[1], via=origin),
        await relay.connect(space, listeners[2], via=edge),
        await relay.connect(space, listeners[3]),
    ]
    for peer in overflow:
        assert peer.answer["worker_id"] == pair.edge_id, peer.user
        assert peer.answer["can_publish"] is False

    assert served_by(origin, space) == {SPEAKER, listeners[0]}
    assert served_by(edge, space) == set(listeners[1:])
    assert relay_worker(origin).spaces[space].is_origin
    assert not relay_worker(edge).spaces[space].is_origin  # it does not mix: it relays

    for peer in [first, *overflow]:
        assert await hears(peer, TONE), f"{peer.user} did not hear the speaker"

    # the edge enforces room's events on its own sessions too
    await room.space_event(ev.SpaceEnded(space_id=space, by=HOST, reason="host_ended"))
    deadline = time.monotonic() + 10
    peers = [speaker, first, *overflow]
    while any(peer.pc.connectionState not in ("closed", "failed") for peer in peers):
        assert time.monotonic() < deadline, [peer.pc.connectionState for peer in peers]
        await asyncio.sleep(0.05)
    assert served_by(origin, space) == served_by(edge, space) == set()
