"""Fixtures for recording's integration tests: a private nats-server with room's stream and
the relay's recording feed made by the test (room and the relay are not running), and helpers
that feed packets as the relay's origin does and read the finished recording back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import numpy as np
import pytest
from nats.aio.client import Client as NATS

from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import media, streams
from parley.contracts.events.room import SpaceCreated, SpaceEnded, SpaceSettings, SpaceStarted
from parley.testing import audio
from parley.testing.events import Appender


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


class Room(Appender):
    """Appends room's events as room does."""

    def __init__(self, nc: NATS) -> None:
        super().__init__(nc, streams.ROOM)

    async def create(self, space_id: str, *, recording: bool = True) -> None:
        settings = SpaceSettings(recording=recording)
        created = SpaceCreated(space_id=space_id, host_id="usr_host", title="T", settings=settings)
        await self.append(space_id, created)

    async def start(self, space_id: str) -> None:
        await self.append(space_id, SpaceStarted(space_id=space_id, host_id="usr_host"))

    async def end(self, space_id: str) -> None:
        await self.append(
            space_id, SpaceEnded(space_id=space_id, by="usr_host", reason="host_ended")
        )


def tone_packets(count: int, hz: float = 440.0) -> list[bytes]:
    """``count`` 20 ms Opus packets of a tone, as the relay's program encoder makes them."""
    packets = audio.tone_packets([(hz, count * 0.02)], application="voip")
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
    return audio.decode_ogg(data)
