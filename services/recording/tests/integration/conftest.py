"""Fixtures for recording's integration tests: a private nats-server with room's stream and
the relay's recording feed made by the test (room and the relay are not running), and helpers
that feed packets as the relay's origin does and read the finished recording back."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import av
import numpy as np
import pytest
from nats.aio.client import Client as NATS

from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import media, streams
from parley.contracts.events.room import SpaceCreated, SpaceEnded, SpaceSettings, SpaceStarted


@pytest.fixture
async def stand_in(private_nats: str) -> AsyncIterator[NATS]:
    """A connection standing in for room and the relay, the owners of ROOM and RECFEED."""
    nc = await connect(private_nats, name="room-and-relay-stand-in")
    await ensure_stream(nc, streams.ROOM)
    await ensure_stream(nc, streams.RECORDING_FEED)
    try:
        yield nc
    finally:
        await nc.close()


class Room:
    def __init__(self, nc: NATS) -> None:
        self._store = EventStore(nc, stream=streams.ROOM.name, context="room")
        self._versions: dict[str, int] = {}

    async def _append(self, space_id: str, event: object) -> None:
        version = await self._store.append(
            space_id,
            [event],  # type: ignore[list-item]
            expected_version=self._versions.get(space_id, 0),
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        self._versions[space_id] = version

    async def create(self, space_id: str, *, recording: bool = True) -> None:
        settings = SpaceSettings(recording=recording)
        created = SpaceCreated(space_id=space_id, host_id="usr_host", title="T", settings=settings)
        await self._append(space_id, created)

    async def start(self, space_id: str) -> None:
        await self._append(space_id, SpaceStarted(space_id=space_id, host_id="usr_host"))

    async def end(self, space_id: str) -> None:
        await self._append(
            space_id, SpaceEnded(space_id=space_id, by="usr_host", reason="host_ended")
        )


def tone_packets(count: int, hz: float = 440.0) -> list[bytes]:
    """``count`` 20 ms Opus packets of a tone, as the relay's program encoder makes them."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate, encoder.layout, encoder.format = 48_000, "mono", "s16"
    encoder.bit_rate = 32_000
    encoder.options = {"application": "voip", "frame_duration": "20"}
    t = np.arange(count * 960) / 48_000
    pcm = (np.sin(2 * np.pi * hz * t) * 8000).astype(np.int16)
    packets: list[bytes] = []
    for n in range(count):
        frame = av.AudioFrame.from_ndarray(
            pcm[n * 960 : (n + 1) * 960].reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate, frame.pts = 48_000, n * 960
        packets.extend(bytes(packet) for packet in encoder.encode(frame))
    assert len(packets) == count
    return packets


@dataclass
class Origin:
    """Publishes packets to RECFEED as the relay's origin does (headers, Nats-Msg-Id)."""

    nc: NATS
    space_id: str
    epoch: str = "e1"
    seq: int = 0
    sent: int = 0
    started_ns: int = field(default_factory=time.time_ns)

    async def publish(self, packets: list[bytes], *, pace_s: float = 0.0) -> None:
        js = self.nc.jetstream()
        for payload in packets:
            self.seq += 1
            headers = media.FeedHeaders(
                seq=self.seq,
                pts=(self.seq - 1) * 960,
                sample_rate=48_000,
                codec="opus",
                captured_at_ns=self.started_ns + (self.seq - 1) * 20_000_000,
                epoch=self.epoch,
            ).to_headers()
            headers["Nats-Msg-Id"] = f"{self.space_id}.{self.epoch}.{self.seq}"
            await js.publish(media.recording_feed_subject(self.space_id), payload, headers=headers)
            self.sent += 1
            if pace_s:
                await asyncio.sleep(pace_s)


def decode(data: bytes) -> np.ndarray:
    with av.open(io.BytesIO(data), format="ogg") as container:
        return np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
