"""Audio feeds on core NATS (see :mod:`parley.contracts.media`): the 20 ms hot path.

Every message here is one 20 ms frame, so it goes straight through the broker's own nats-py
connection rather than through FastStream's publisher and subscriber: measured on the same
connection, FastStream costs 7-8x the CPU to publish a feed message and 15-17x to receive one
(``bench/feed_overhead.py``; the README's "Why the audio feeds bypass FastStream").
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg

from parley.contracts.media import (
    PROGRAM_SAMPLE_RATE,
    SPEAKER_FEED_SAMPLE_RATE,
    FeedHeaders,
    program_feed_subject,
    speaker_feed_subject,
)

ProgramPacket = Callable[[bytes, int], Awaitable[None]]  # (Opus payload, pts)
Unfollow = Callable[[], Awaitable[None]]


class FeedPublisher:
    """Publishes one Space's program and per-speaker feeds, numbering each feed's messages."""

    def __init__(self, nc: NATS, space_id: str) -> None:
        self._nc = nc
        self._space_id = space_id
        self._program_subject = program_feed_subject(space_id)
        self._program_seq = 0
        self._speaker_seq: dict[str, int] = {}

    async def program(self, payload: bytes, pts: int, captured_at_ns: int) -> None:
        self._program_seq += 1
        headers = FeedHeaders(
            seq=self._program_seq,
            pts=pts,
            sample_rate=PROGRAM_SAMPLE_RATE,
            codec="opus",
            captured_at_ns=captured_at_ns,
        )
        await self._nc.publish(self._program_subject, payload, headers=headers.to_headers())

    async def speaker(self, user_id: str, pcm16k: bytes, pts: int) -> None:
        if not pcm16k:
            return
        seq = self._speaker_seq.get(user_id, 0) + 1
        self._speaker_seq[user_id] = seq
        headers = FeedHeaders(
            seq=seq,
            pts=pts * SPEAKER_FEED_SAMPLE_RATE // PROGRAM_SAMPLE_RATE,
            sample_rate=SPEAKER_FEED_SAMPLE_RATE,
            codec="pcm_s16le",
            captured_at_ns=time.time_ns(),
        )
        subject = speaker_feed_subject(self._space_id, user_id)
        await self._nc.publish(subject, pcm16k, headers=headers.to_headers())


class Feeds:
    """The feeds of every Space on this worker, on the process's one NATS connection."""

    def __init__(self, nc: NATS) -> None:
        self._nc = nc

    def publisher(self, space_id: str) -> FeedPublisher:
        return FeedPublisher(self._nc, space_id)

    async def follow_program(self, space_id: str, on_packet: ProgramPacket) -> Unfollow:
        """Hand every packet of ``space_id``'s program to ``on_packet`` (an edge worker),
        until the returned ``unfollow`` is awaited."""

        async def relay(msg: Msg) -> None:
            await on_packet(msg.data, FeedHeaders.from_headers(msg.headers).pts)

        subscription = await self._nc.subscribe(program_feed_subject(space_id), cb=relay)
        return subscription.unsubscribe
