"""The clipping service in-process on a private nats-server and SQLite: its routes; a live
clip of the last 30 s cut from the program feed; a replay clip from a finished recording;
the refusals; expiry; the recording deleted taking its clips."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest
from nats.aio.client import Client as NATS
from nats.js.errors import ObjectNotFoundError

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.service import start_service
from parley.clipping.bootstrap import definition
from parley.clipping.settings import ClippingSettings
from parley.contracts import ogg_opus
from parley.contracts.api import clipping as api
from parley.contracts.events.clipping import ClipReady
from parley.testing.routes import route_subjects

from .conftest import (
    Room,
    clip_events,
    create_once_ready,
    decode,
    delete_recording,
    finished_recording,
    hz_at,
    now_ns,
    publish_program,
    tone_packets,
    wait_for,
)

LISTENER = RequestContext(actor="usr_listener")
STRANGER = RequestContext(actor="usr_stranger")


async def refused(bus: BusClient, payload: api.CreateClip, ctx: RequestContext) -> tuple[int, str]:
    with pytest.raises(DomainError) as refusal:
        await bus.call(api.CREATE_CLIP, payload, ctx)
    return refusal.value.status, refusal.value.type


async def eventually_refused(
    bus: BusClient, payload: api.CreateClip, ctx: RequestContext, slug: str
) -> int:
    """The status of the refusal ``slug`` once clipping's read models caught up with the
    events the test appended (a moment, longer on a loaded machine)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            await bus.call(api.CREATE_CLIP, payload, ctx)
        except DomainError as error:
            if error.type == slug:
                return error.status
        await asyncio.sleep(0.02)
    raise AssertionError(f"never refused with {slug}")


async def clip_bytes(nc: NATS, name: str) -> bytes:
    result = await (await nc.jetstream().object_store(api.BUCKET)).get(name)
    return result.data or b""


async def test_live_and_replay_clips(stand_in: NATS, private_nats: str, tmp_path: Path) -> None:
    settings = ClippingSettings(
        nats_url=private_nats, data_dir=tmp_path, log_json=False, public_url="https://parley.test"
    )
    service = await start_service(definition, settings)
    try:
        assert route_subjects(service.parts) == api.ROUTES.subjects()
        bus = service.infra.bus
        room = Room(stand_in)

        # A live recorded Space: 40 s of program, 440 Hz until 25 s, then 880 Hz.
        await room.live("sp_live")
        await room.join("sp_live", "usr_listener")
        program = tone_packets([(440, 25), (880, 15)])
        await publish_program(stand_in, "sp_live", program, end_ns=now_ns())

        with pytest.raises(DomainError) as unsigned:
            await bus.call(api.CREATE_CLIP, api.CreateClip(space_id="sp_live"), RequestContext())
        assert (unsigned.value.status, unsigned.value.type) == (401, "unauthenticated")

        live = api.CreateClip(space_id="sp_live")
        await eventually_refused(bus, live, STRANGER, "not-in-space")  # read models caught up
        assert await refused(bus, live, STRANGER) == (403, "not-in-space")

        asked = time.monotonic()
        created = await bus.call(api.CREATE_CLIP, live, LISTENER)
        answered = time.monotonic() - asked
        assert created.state == "pending"
        ready = await wait_for(bus, created.clip_id, "ready")
        took = time.monotonic() - asked
        print(f"\ncreateClip answered in {answered * 1000:.0f} ms; ready after {took:.2f} s")
        assert took < 5
        assert (ready.source, ready.start_s) == ("live", None)
        assert ready.duration_s == pytest.approx(30, abs=0.05)
        assert ready.share_url == f"https://parley.test/clips/{created.clip_id}"
        assert ready.audio_url == f"https://parley.test/api/v1/clips/{created.clip_id}/audio"
        assert ready.transcript == ""
        assert ready.object_name is not None
        assert ready.expires_at is not None

        pcm = decode(await clip_bytes(stand_in, ready.object_name))
        assert pcm.size == 1500 * 960 - ogg_opus.PRE_SKIP  # 30 s
        # The clip is the program's 10..40 s: 440 Hz for 15 s, then 880 Hz.
        assert hz_at(pcm, 1, 14) == pytest.approx(440, abs=3)
        assert hz_at(pcm, 16, 29) == pytest.approx(880, abs=3)
        assert np.sqrt(np.mean(pcm[48_000:] ** 2)) > 0.1  # not silence

        # The same command again (a retry): the same clip, not a second one.
        retry = RequestContext(actor="usr_listener", command_id="cmd_once")
        first = await bus.call(api.CREATE_CLIP, live, retry)
        assert (await bus.call(api.CREATE_CLIP, live, retry)).clip_id == first.clip_id

        # A finished recording of 60 s: 300 Hz until 25 s, then 600 Hz. A replay clip at 10 s.
        await room.live("sp_done")
        await room.end("sp_done")
        await finished_recording(stand_in, "sp_done", tone_packets([(300, 25), (600, 35)]))
        replay = api.CreateClip(space_id="sp_done", start_s=10)
        created = await create_once_ready(bus, replay, STRANGER)
        asked = time.monotonic()
        ready = await wait_for(bus, created.clip_id, "ready")
        print(f"replay clip ready after {time.monotonic() - asked:.2f} s")
        assert (ready.source, ready.start_s) == ("replay", 10.0)
        pcm = decode(await clip_bytes(stand_in, ready.object_name or ""))
        assert pcm.size == 1500 * 960 - ogg_opus.PRE_SKIP
        assert hz_at(pcm, 1, 14) == pytest.approx(300, abs=3)  # 11..24 s of the recording
        assert hz_at(pcm, 16, 29) == pytest.approx(600, abs=3)  # 26..39 s

        out = api.CreateClip(space_id="sp_done", start_s=30.5)
        assert await refused(bus, out, STRANGER) == (422, "window-out-of-range")
        ended = api.CreateClip(space_id="sp_done")
        assert await refused(bus, ended, STRANGER) == (409, "space-not-live")
        unknown = api.CreateClip(space_id="sp_nowhere")
        assert await refused(bus, unknown, LISTENER) == (404, "space-not-found")
        with pytest.raises(DomainError) as missing:
            await bus.call(api.GET_CLIP, api.ClipRef(clip_id="clp_nope"), RequestContext())
        assert (missing.value.status, missing.value.type) == (404, "clip-not-found")
    finally:
        await service.stop()


async def test_refused_when_recording_or_clipping_is_off(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    settings = ClippingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    try:
        bus = service.infra.bus
        room = Room(stand_in)
        await room.live("sp_plain", recording=False)
        await room.join("sp_plain", "usr_listener")
        plain = api.CreateClip(space_id="sp_plain")
        assert await eventually_refused(bus, plain, LISTENER, "recording-off") == 409

        await room.live("sp_rec")
        await room.join("sp_rec", "usr_listener")
        await publish_program(stand_in, "sp_rec", tone_packets([(440, 3)]), end_ns=now_ns())
        clip = api.CreateClip(space_id="sp_rec")
        await eventually_refused(bus, clip, STRANGER, "not-in-space")
        before = await bus.call(api.CREATE_CLIP, clip, LISTENER)

        await room.clipping_off("sp_rec")  # no new clips from now on
        assert await eventually_refused(bus, clip, LISTENER, "clipping-off") == 409
        kept = await wait_for(bus, before.clip_id, "ready")  # the one made before stays
        assert kept.duration_s == pytest.approx(3, abs=0.05)  # live for 3 s: 3 s of it

        await room.live("sp_off", clipping=False)
        await room.join("sp_off", "usr_listener")
        off = api.CreateClip(space_id="sp_off")
        assert await eventually_refused(bus, off, LISTENER, "clipping-off") == 409
    finally:
        await service.stop()


async def test_clips_go_with_their_recording(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    settings = ClippingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    try:
        bus = service.infra.bus
        room = Room(stand_in)
        await room.live("sp_a")
        await room.end("sp_a")
        await finished_recording(stand_in, "sp_a", tone_packets([(440, 40)]))
        replay = api.CreateClip(space_id="sp_a", start_s=5)
        created = await create_once_ready(bus, replay, LISTENER)
        ready = await wait_for(bus, created.clip_id, "ready")
        assert ready.object_name is not None
        assert await clip_bytes(stand_in, ready.object_name)

        # The recording is deleted: the clip goes at once.
        doomed = await bus.call(
            api.CREATE_CLIP, api.CreateClip(space_id="sp_a", start_s=0), LISTENER
        )
        doomed_ready = await wait_for(bus, doomed.clip_id, "ready")
        await delete_recording(stand_in, "sp_a")
        for clip_id in (created.clip_id, doomed.clip_id):
            gone = await wait_for(bus, clip_id, "deleted")
            assert (gone.audio_url, gone.object_name) == (None, None)
        with pytest.raises(ObjectNotFoundError):
            await clip_bytes(stand_in, doomed_ready.object_name or "")
    finally:
        await service.stop()


async def test_clips_expire(stand_in: NATS, private_nats: str, tmp_path: Path) -> None:
    settings = ClippingSettings(
        nats_url=private_nats, data_dir=tmp_path, log_json=False, clip_expiry_s=3
    )
    service = await start_service(definition, settings)
    try:
        bus = service.infra.bus
        room = Room(stand_in)
        await room.live("sp_b")
        await room.end("sp_b")
        await finished_recording(stand_in, "sp_b", tone_packets([(440, 10)]))
        short = api.CreateClip(space_id="sp_b", start_s=0)
        created = await create_once_ready(bus, short, LISTENER)
        # PARLEY_CLIP_EXPIRY_S (3 s here) after it was asked for (on a loaded machine, maybe
        # before the test saw it ready).
        expired = await wait_for(bus, created.clip_id, "expired")
        assert (expired.audio_url, expired.object_name) == (None, None)
        [ready] = [event for event in await clip_events(stand_in, created.clip_id)
                   if isinstance(event, ClipReady)]  # fmt: skip
        assert ready.duration_ms == pytest.approx(10_000, abs=50)  # shorter than a clip: whole
        with pytest.raises(ObjectNotFoundError):
            await clip_bytes(stand_in, ready.object_name)
    finally:
        await service.stop()
