"""``python -m parley.clipping`` as a process (what ``parley up`` runs): it starts, reads its
settings from the environment and cuts a live clip from the program feed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from nats.aio.client import Client as NATS

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.messaging import make_broker
from parley.contracts.api import clipping as api
from parley.testing.processes import service_process

from .conftest import Room, now_ns, publish_program, tone_packets


async def test_the_service_runs_as_a_process(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    room = Room(stand_in)
    await room.live("sp_proc")
    await room.join("sp_proc", "usr_listener")
    await publish_program(stand_in, "sp_proc", tone_packets([(440, 5)]), end_ns=now_ns())
    env = {"PARLEY_PUBLIC_URL": "https://clips.example"}
    broker = make_broker(private_nats, "clipping-process-test")
    await broker.start()
    try:
        async with service_process(
            "clipping", nats_url=private_nats, data_dir=tmp_path, env=env, ready_timeout=60
        ):
            bus = BusClient(broker, timeout=10)
            clip = api.CreateClip(space_id="sp_proc")
            listener = RequestContext(actor="usr_listener")
            deadline = time.monotonic() + 20
            while True:  # until its read model has room's events
                try:
                    created = await bus.call(api.CREATE_CLIP, clip, listener)
                    break
                except DomainError:
                    assert time.monotonic() < deadline
                    await asyncio.sleep(0.1)
            while True:
                view = await bus.call(api.GET_CLIP, api.ClipRef(clip_id=created.clip_id), listener)
                if view.state == "ready":
                    break
                assert time.monotonic() < deadline, view
                await asyncio.sleep(0.05)
            assert view.share_url == f"https://clips.example/clips/{created.clip_id}"
            assert view.duration_s is not None
            assert abs(view.duration_s - 5) < 0.05
    finally:
        await broker.stop()
