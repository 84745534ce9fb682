"""Scaling a Space's audience past one relay process: two more relay workers join the running
stack; a Space is mixed by one origin, and listeners beyond its capacity are served by another
worker process from the program feed over NATS (issue 4)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from extra_relay_worker import ExtraRelayWorker, wait_for_heartbeats
from media_bots import bot, hears
from parley_up import ParleyUp
from second_gateway import stack_nats_url

from parley.bots import ToneTrack
from parley.media_relay.domain.placement import rendezvous
from parley.media_relay.settings import DEFAULT_WORKER

pytestmark = pytest.mark.e2e
EXTRA = ("w2", "w3")


@pytest.fixture
def extra_workers(stack: ParleyUp, tmp_path: Path) -> Iterator[list[ExtraRelayWorker]]:
    url = stack_nats_url(stack)
    workers = [ExtraRelayWorker(url, tmp_path, worker_id, capacity=1) for worker_id in EXTRA]
    try:
        asyncio.run(wait_for_heartbeats(url, workers))
        yield workers
    finally:
        codes = {worker.worker_id: worker.stop() for worker in workers}
    assert codes == dict.fromkeys(EXTRA, 0), "\n".join(w.log[-3000:] for w in workers)


def test_listeners_beyond_the_origins_capacity_are_served_by_another_process(
    stack: ParleyUp, extra_workers: list[ExtraRelayWorker]
) -> None:
    asyncio.run(overflow(stack.url))


async def overflow(url: str) -> None:
    host, first, second = [await bot(url, role) for role in ("host", "first", "second")]
    workers = [DEFAULT_WORKER, *EXTRA]
    try:
        # A Space whose origin is one of the small workers (capacity 1), so it overflows.
        for _ in range(20):
            space = await host.create_space("Overflow")
            origin = rendezvous(space.id, workers)
            if origin in EXTRA:
                break
        assert origin in EXTRA
        await host.start_space()
        await host.connect_media(space.id, ToneTrack(440.0))
        assert host.media is not None
        assert host.media.answer is not None
        assert host.media.answer.worker_id == origin  # the stage is served by the origin
        await host.set_mic(True)

        for listener in (first, second):
            await listener.join(space.id)
            await listener.connect_media()
        assert first.media is not None
        assert second.media is not None
        assert first.media.answer is not None
        assert second.media.answer is not None
        assert first.media.answer.worker_id == origin
        edge = second.media.answer.worker_id
        assert edge != origin  # the origin was full: another process serves the second

        assert await hears(first, 440.0)
        assert await hears(second, 440.0), f"the edge {edge} did not relay the program"

        await host.end_space()
        for listener in (first, second):
            deadline = time.perf_counter() + 10
            while listener.media is not None and listener.media.connection_state == "connected":
                assert time.perf_counter() < deadline, f"{listener} was not hung up"
                await asyncio.sleep(0.1)
    finally:
        for player in (host, first, second):
            await player.close()
