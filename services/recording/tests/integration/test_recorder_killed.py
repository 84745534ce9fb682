"""The recording service as a process, killed (SIGKILL) while a recorded Space is live and
started again: the replay has every packet the relay sent, no more and no fewer."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
from nats.aio.client import Client as NATS

from parley.chassis.bus import RequestContext
from parley.contracts.api import recording as api
from parley.contracts.ogg_opus import PRE_SKIP
from parley.recording.adapters.objects import BUCKET
from parley.testing.processes import service_process

from .conftest import Origin, Room, decode, tone_packets

HOST = RequestContext(actor="usr_host")


async def recording_state(nc: NATS, space_id: str) -> api.RecordingView | None:
    request = api.RecordingRef(space_id=space_id).model_dump_json().encode()
    reply = await nc.request(api.GET_RECORDING.subject, request, timeout=5)
    if (reply.headers or {}).get("Parley-Problem"):
        return None
    return api.RecordingView.model_validate_json(reply.data)


async def wait_for(nc: NATS, space_id: str, state: str, timeout: float = 30) -> api.RecordingView:
    deadline = time.monotonic() + timeout
    while True:
        view = await recording_state(nc, space_id)
        if view is not None and view.state == state:
            return view
        assert time.monotonic() < deadline, f"{space_id} never {state} (last {view})"
        await asyncio.sleep(0.1)


async def test_a_recorder_killed_mid_space_loses_no_packet(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    room = Room(stand_in)
    origin = Origin(stand_in, "sp_kill")
    packets = tone_packets(1500)  # 30 s of program
    env = {"PARLEY_RECORDING_SEGMENT_PACKETS": "100"}
    async with service_process(
        "recording", nats_url=private_nats, data_dir=tmp_path / "one", env=env
    ) as recorder:
        await room.create("sp_kill")
        await room.start("sp_kill")
        await wait_for(stand_in, "sp_kill", "recording")
        await origin.publish(packets[:730], pace_s=0.002)  # mid-segment when it dies
        recorder.kill()
    await origin.publish(packets[730:1100])  # nobody records these yet: the feed keeps them
    async with service_process(
        "recording", nats_url=private_nats, data_dir=tmp_path / "one", env=env
    ):
        await origin.publish(packets[1100:], pace_s=0.002)
        await room.end("sp_kill")
        ready = await wait_for(stand_in, "sp_kill", "ready")

    objects = await stand_in.jetstream().object_store(BUCKET)
    stored = await objects.get("sp_kill.ogg")
    assert stored.data is not None
    samples = decode(stored.data)
    sent_ms = origin.sent * 20
    decoded_ms = (samples.size + PRE_SKIP) * 1000 / 48_000
    assert abs(decoded_ms - sent_ms) <= 20, (decoded_ms, sent_ms)
    assert samples.size == 1500 * 960 - PRE_SKIP  # exactly: nothing lost, nothing twice
    assert ready.duration_ms == (1500 * 960 - PRE_SKIP) * 1000 // 48_000
    # Tone all the way: no silence was put in for a gap the feed did not have.
    frames = samples[: 1490 * 960].reshape(-1, 960)
    assert (np.sqrt(np.mean(frames[5:] ** 2, axis=1)) > 0.05).all()
