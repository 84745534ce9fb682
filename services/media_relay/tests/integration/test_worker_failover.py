"""Workers that go away: a worker that shuts down says so, and one that vanished without a
word is forgotten when a forwarded negotiation finds nobody there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parley.chassis.bus import BusClient
from parley.chassis.event_store import EventStore
from parley.contracts.events import room as ev
from parley.contracts.media import WORKERS_SUBJECT, WorkerHeartbeat

from ..conftest import Relay, Room, client_broker, relay_worker, start_worker

HOST = "usr_host"


async def until(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.02)


async def test_a_worker_that_stops_is_forgotten_at_once(
    tmp_path: Path, private_nats: str, worker_factory: Callable[..., Any]
) -> None:
    staying = relay_worker(await worker_factory("w1", heartbeat_s=30))  # no periodic beats
    leaving = await start_worker(tmp_path, private_nats, "w2", heartbeat_s=30)
    await until(lambda: "w2" in staying.loads(), "w1 never heard of w2")

    await leaving.stop()

    # Without the goodbye, w1 would keep placing people on w2 for 3.5 heartbeats (105 s here).
    await until(lambda: "w2" not in staying.loads(), "w1 still places people on w2", 2.0)


async def test_a_vanished_worker_is_forgotten_and_the_offer_served_elsewhere(
    private_nats: str, worker_factory: Callable[..., Any]
) -> None:
    service = await worker_factory("w1")
    worker = relay_worker(service)
    broker = await client_broker(private_nats)
    nc = broker.connection
    try:
        room = Room(EventStore(nc, stream="ROOM", context=ev.CONTEXT), workers=[service])
        relay = Relay(BusClient(broker, timeout=15))
        await room.live_space(HOST)
        # A worker that claims to mix this Space, and then never answers anything.
        ghost = WorkerHeartbeat(
            worker_id="ghost", listeners=0, capacity=1000, origins=[room.space_id]
        )
        await nc.publish(WORKERS_SUBJECT, ghost.model_dump_json().encode())
        await until(lambda: "ghost" in worker.loads(), "w1 never heard of the ghost")

        peer = await relay.connect(room.space_id, HOST)

        assert peer.answer["worker_id"] == "w1"
        assert "ghost" not in worker.loads()
        await relay.close()
    finally:
        await broker.stop()


async def test_a_new_worker_learns_of_the_others_at_once(
    worker_factory: Callable[..., Any],
) -> None:
    # Beats only every 30 s: without an answer to its own first beat, w2 would not know w1
    # (which announced itself before w2 was listening) for up to 30 s.
    first = relay_worker(await worker_factory("w1", heartbeat_s=30))
    await asyncio.sleep(0.2)
    second = relay_worker(await worker_factory("w2", heartbeat_s=30))

    await until(lambda: "w1" in second.loads(), "w2 never heard of w1", 2.0)
    await until(lambda: "w2" in first.loads(), "w1 never heard of w2", 2.0)
