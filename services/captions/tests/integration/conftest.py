"""Fixtures for captions' integration tests: a private nats-server with room's stream made by
the test (room and the relay are not running), room's events written as room does, test speech
made with espeak-ng, and a speaker's feed published as the relay publishes it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.messaging import connect, ensure_stream
from parley.contracts import media, streams
from parley.contracts.events.room import (
    CaptionsToggled,
    SpaceCreated,
    SpaceEnded,
    SpaceSettings,
    SpaceStarted,
)
from parley.testing.events import Appender
from parley.testing.feeds import feeds_followed
from parley.testing.speech import NoEspeak
from parley.testing.speech import speech as spoken

RATE = media.SPEAKER_FEED_SAMPLE_RATE
FRAME_SAMPLES = RATE * media.FRAME_MS // 1000


@pytest.fixture
async def stand_in(private_nats: str) -> AsyncIterator[NATS]:
    """A connection standing in for room (the owner of ROOM) and the relay (the feeds)."""
    nc = await connect(private_nats, name="room-and-relay-stand-in")
    await ensure_stream(nc, streams.ROOM)
    await ensure_stream(nc, streams.RECORDING)
    try:
        yield nc
    finally:
        await nc.close()


class Room(Appender):
    """Appends room's events as room does."""

    def __init__(self, nc: NATS) -> None:
        super().__init__(nc, streams.ROOM)

    async def go_live(self, space_id: str, *, captions: bool) -> None:
        settings = SpaceSettings(captions=captions)
        created = SpaceCreated(space_id=space_id, host_id="usr_host", title="T", settings=settings)
        await self.append(space_id, created)
        await self.append(space_id, SpaceStarted(space_id=space_id, host_id="usr_host"))

    async def toggle_captions(self, space_id: str, *, enabled: bool) -> None:
        toggled = CaptionsToggled(space_id=space_id, by="usr_host", enabled=enabled)
        await self.append(space_id, toggled)

    async def end(self, space_id: str) -> None:
        ended = SpaceEnded(space_id=space_id, by="usr_host", reason="host_ended")
        await self.append(space_id, ended)


def speech(sentence: str, voice: str = "en-us", wpm: int = 130) -> bytes:
    """Test speech (``parley.testing.speech``); the test is skipped where espeak-ng is not."""
    try:
        return spoken(sentence, voice, wpm)
    except NoEspeak as missing:
        pytest.skip(str(missing))


async def speak(
    nc: NATS, space_id: str, user_id: str, pcm: bytes, *, at_ms: int, real_time: bool = False
) -> None:
    """``pcm`` on the speaker's feed, 20 ms a message with the relay's headers, from ``at_ms``
    on the Space's clock: sent faster than real time (the service goes by the pts), or as a
    speaker speaks (``real_time``: what partial captions need)."""
    subject = media.speaker_feed_subject(space_id, user_id)
    frame_bytes = FRAME_SAMPLES * 2
    pts = at_ms * RATE // 1000
    began = time.monotonic()
    for seq, offset in enumerate(range(0, len(pcm) - frame_bytes + 1, frame_bytes), start=1):
        if real_time:
            due = began + (seq - 1) * media.FRAME_MS / 1000
            await asyncio.sleep(max(0.0, due - time.monotonic()))
        headers = media.FeedHeaders(
            seq=seq, pts=pts, sample_rate=RATE, codec="pcm_s16le", captured_at_ns=time.time_ns()
        )
        await nc.publish(subject, pcm[offset : offset + frame_bytes], headers=headers.to_headers())
        pts += FRAME_SAMPLES
        if seq % 50 == 0:
            await nc.flush()
    await nc.flush()


async def until_followed(nc: NATS, space_id: str, want: bool, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while await feeds_followed(nc, space_id) != want:
        assert time.monotonic() < deadline, f"{space_id}'s feeds followed is not {want}"
        await asyncio.sleep(0.1)
