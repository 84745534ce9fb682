"""Fixtures for clipping's integration tests: a private nats-server with the streams of room,
recording, captions and the relay made by the test (those services are not running), and
helpers that stand in for them: room's events, the relay's program feed, a finished recording,
captions' final segments."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import numpy as np
import pytest
from nats.aio.client import Client as NATS
from nats.js import api as js_api

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import media, ogg_opus, streams
from parley.contracts.api import clipping
from parley.contracts.events import captions, recording, room
from parley.contracts.registry import DomainEvent
from parley.testing import audio
from parley.testing.events import Appender


@pytest.fixture
async def stand_in(private_nats: str) -> AsyncIterator[NATS]:
    """A connection standing in for room, recording, captions and the relay (owners of what we
    read)."""
    nc = await connect(private_nats, name="room-recording-captions-relay-stand-in")
    for spec in (streams.ROOM, streams.RECORDING, streams.CAPTIONS, streams.RECORDING_FEED):
        await ensure_stream(nc, spec)
    try:
        yield nc
    finally:
        await nc.close()


class Room(Appender):
    """Appends room's events as room does."""

    def __init__(self, nc: NATS) -> None:
        super().__init__(nc, streams.ROOM)

    async def live(self, space_id: str, *, recording: bool = True, clipping: bool = True) -> None:
        settings = room.SpaceSettings(recording=recording, clipping=clipping)
        await self.append(
            space_id,
            room.SpaceCreated(space_id=space_id, host_id="usr_host", title="T", settings=settings),
        )
        await self.append(space_id, room.SpaceStarted(space_id=space_id, host_id="usr_host"))

    async def join(self, space_id: str, user_id: str) -> None:
        await self.append(
            room.membership_id(space_id, user_id),
            room.ListenerJoined(space_id=space_id, user_id=user_id),
        )

    async def clipping_off(self, space_id: str) -> None:
        await self.append(space_id, room.ClippingDisabled(space_id=space_id, by="usr_host"))

    async def end(self, space_id: str) -> None:
        await self.append(
            space_id, room.SpaceEnded(space_id=space_id, by="usr_host", reason="host_ended")
        )


class Captions(Appender):
    """Appends captions' final segments as captions does (one transcript per speaker)."""

    def __init__(self, nc: NATS) -> None:
        super().__init__(nc, streams.CAPTIONS)

    async def final(
        self, space_id: str, speaker_id: str, start_ms: int, end_ms: int, text: str
    ) -> int:
        segment = captions.CaptionSegmentFinalized(
            space_id=space_id, speaker_id=speaker_id, start_ms=start_ms, end_ms=end_ms, text=text
        )
        return await self.append(captions.transcript_id(space_id, speaker_id), segment)


async def finished_recording(nc: NATS, space_id: str, packets: list[bytes]) -> None:
    """``<space_id>.ogg`` in the recordings bucket and recording's events, as it makes them."""
    objects = await nc.jetstream().create_object_store(
        "recordings", config=js_api.ObjectStoreConfig(storage=js_api.StorageType.FILE)
    )
    data = ogg_opus.mux(packets, serial=ogg_opus.stream_serial(space_id))
    await objects.put(f"{space_id}.ogg", data)
    events = Appender(nc, streams.RECORDING)
    await events.append(space_id, recording.RecordingStarted(space_id=space_id, host_id="usr_host"))
    await events.append(space_id, recording.RecordingStopped(space_id=space_id, ended_at_ns=1))
    await events.append(
        space_id,
        recording.RecordingFinalized(
            space_id=space_id,
            object_name=f"{space_id}.ogg",
            duration_ms=ogg_opus.duration_ms(len(packets) * 960),
            bytes=len(data),
        ),
    )


async def clip_events(nc: NATS, clip_id: str) -> list[DomainEvent]:
    """The clip's events, as clipping stored them."""
    store = EventStore(nc, stream=streams.CLIPPING.name, context=streams.CLIPPING.context)
    stored, _ = await store.load(clip_id)
    return [each.event for each in stored]


async def delete_recording(nc: NATS, space_id: str) -> None:
    store = EventStore(nc, stream=streams.RECORDING.name, context=streams.RECORDING.context)
    _, version = await store.load(space_id)
    await store.append(
        space_id,
        [recording.RecordingDeleted(space_id=space_id, reason="host_deleted")],
        expected_version=version,
        metadata=EventMetadata(correlation_id="cor_test"),
    )


async def publish_program(nc: NATS, space_id: str, packets: list[bytes], end_ns: int) -> None:
    """The packets on RECFEED as the relay's origin stores them, the last captured at
    ``end_ns`` (20 ms apart before it)."""
    js = nc.jetstream()
    for n, payload in enumerate(packets):
        seq = n + 1
        headers = media.FeedHeaders(
            seq=seq,
            pts=n * 960,
            sample_rate=48_000,
            codec="opus",
            captured_at_ns=end_ns - (len(packets) - 1 - n) * 20_000_000,
            epoch="e1",
        ).to_headers()
        headers["Nats-Msg-Id"] = f"{space_id}.e1.{seq}"
        await js.publish(media.recording_feed_subject(space_id), payload, headers=headers)


def tone_packets(parts: list[tuple[float, float]]) -> list[bytes]:
    """20 ms Opus packets of tones: ``[(hz, seconds), ...]`` one after the other."""
    return audio.tone_packets(parts)


def decode(data: bytes) -> np.ndarray:
    return audio.decode_ogg(data)


def dominant_hz(pcm: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64)))
    return float(np.argmax(spectrum) * 48_000 / len(pcm))


def hz_at(pcm: np.ndarray, from_s: float, to_s: float) -> float:
    return dominant_hz(pcm[int(from_s * 48_000) : int(to_s * 48_000)])


def now_ns() -> int:
    return time.time_ns()


async def wait_for(
    bus: BusClient, clip_id: str, state: str, timeout: float = 30
) -> clipping.ClipView:
    """The clip once it is in ``state`` (not found yet: the read model lags the request)."""
    deadline = time.monotonic() + timeout
    while True:
        view = await clip_view(bus, clip_id)
        if view is not None and view.state == state:
            return view
        assert view is None or view.state in ("pending", "ready", state), view
        assert time.monotonic() < deadline, f"{clip_id} never {state}: {view}"
        await asyncio.sleep(0.02)


async def clip_view(bus: BusClient, clip_id: str) -> clipping.ClipView | None:
    """get_clip's answer; None while the clip is not in the read model."""
    try:
        return await bus.call(
            clipping.GET_CLIP, clipping.ClipRef(clip_id=clip_id), RequestContext()
        )
    except DomainError as error:
        if error.type != "clip-not-found":
            raise
        return None


async def create_once_ready(
    bus: BusClient, payload: clipping.CreateClip, ctx: RequestContext, timeout: float = 30
) -> clipping.ClipCreated:
    """A replay clip, once clipping's read models have the Space and the recording the test
    just finished (they lag their streams: a moment, longer on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await bus.call(clipping.CREATE_CLIP, payload, ctx)
        except DomainError as error:
            if error.type not in ("space-not-found", "recording-not-ready"):
                raise
            if time.monotonic() > deadline:
                raise AssertionError(f"the recording never became ready: {error}") from error
        await asyncio.sleep(0.02)
