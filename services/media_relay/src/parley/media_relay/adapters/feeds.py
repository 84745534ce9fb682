"""Audio feeds on core NATS (see :mod:`parley.contracts.media`): the 20 ms hot path.

Every message here is one 20 ms frame, so it goes straight through the broker's own nats-py
connection rather than through FastStream's publisher and subscriber: measured on the same
connection, FastStream costs 7-8x the CPU to publish a feed message and 15-17x to receive one
(``bench/feed_overhead.py``; the README's "Why the audio feeds bypass FastStream").
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import nats.errors
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js.api import PubAck

from parley.chassis.logs import get_logger
from parley.contracts.media import (
    PROGRAM_SAMPLE_RATE,
    SPEAKER_FEED_SAMPLE_RATE,
    FeedHeaders,
    program_feed_subject,
    recording_feed_subject,
    speaker_feed_subject,
)

log = get_logger(__name__)

ProgramPacket = Callable[[bytes, int], Awaitable[None]]  # (Opus payload, pts)
Unfollow = Callable[[], Awaitable[None]]


@dataclass
class _Unanswered:
    future: asyncio.Future[PubAck]
    sent_at: float
    subject: str
    payload: bytes
    headers: dict[str, str]
    retried: bool = False


class DurableFeed:
    """Stores recorded Spaces' program packets on ``RECFEED`` (ADR 21) without ever waiting for
    JetStream's answer on the mixing tick: each publish is sent with a reply inbox and its
    acknowledgement is looked at on a later tick. One not acknowledged within
    :data:`RETRY_AFTER_S` (or refused) is sent once more with the same ``Nats-Msg-Id``, so the
    stream stores it once; a second failure is a packet the recording will mark as a gap."""

    RETRY_AFTER_S = 2.0

    def __init__(self, nc: NATS) -> None:
        self._js = nc.jetstream()
        self._unanswered: deque[_Unanswered] = deque()
        self.lost = 0

    async def publish(self, subject: str, payload: bytes, headers: dict[str, str]) -> None:
        await self._settle()
        future = await self._js.publish_async(subject, payload, headers=headers)
        self._unanswered.append(_Unanswered(future, time.monotonic(), subject, payload, headers))

    async def drain(self, timeout: float = 3.0) -> None:
        """Until every packet sent is acknowledged (or given up): a worker stopping, a test."""
        deadline = time.monotonic() + timeout
        while self._unanswered and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
            await self._settle()

    async def _settle(self) -> None:
        now = time.monotonic()
        while self._unanswered:
            oldest = self._unanswered[0]
            done = oldest.future.done()
            if not done and now - oldest.sent_at < self.RETRY_AFTER_S:
                return
            self._unanswered.popleft()
            if done and not oldest.future.cancelled() and oldest.future.exception() is None:
                continue
            if not done:
                oldest.future.cancel()  # frees its slot in the client's pending window
            await self._failed(oldest)

    async def _failed(self, unanswered: _Unanswered) -> None:
        if unanswered.retried:
            self.lost += 1
            log.warning("media.recording_feed_lost", subject=unanswered.subject, lost=self.lost)
            return
        try:
            future = await self._js.publish_async(
                unanswered.subject, unanswered.payload, headers=unanswered.headers
            )
        except nats.errors.Error:
            self.lost += 1
            return
        unanswered.future, unanswered.sent_at, unanswered.retried = future, time.monotonic(), True
        self._unanswered.append(unanswered)


class FeedPublisher:
    """Publishes one Space's program and per-speaker feeds, numbering each feed's messages.

    Each publisher is one run of a Space's mixing clock (its ``epoch``): a new origin after
    the old one died numbers from 1 again, and says so with a new epoch."""

    def __init__(self, nc: NATS, space_id: str, durable: DurableFeed | None = None) -> None:
        self._nc = nc
        self._space_id = space_id
        self._program_subject = program_feed_subject(space_id)
        self._recording_subject = recording_feed_subject(space_id)
        self._durable = durable or DurableFeed(nc)
        self.epoch = secrets.token_hex(6)
        self._program_seq = 0
        self._last_program: FeedHeaders | None = None
        self._speaker_seq: dict[str, int] = {}

    async def program(self, payload: bytes, pts: int, captured_at_ns: int) -> None:
        self._program_seq += 1
        headers = FeedHeaders(
            seq=self._program_seq,
            pts=pts,
            sample_rate=PROGRAM_SAMPLE_RATE,
            codec="opus",
            captured_at_ns=captured_at_ns,
            epoch=self.epoch,
        )
        self._last_program = headers
        await self._nc.publish(self._program_subject, payload, headers=headers.to_headers())

    async def recorded(self, payload: bytes) -> None:
        """The packet :meth:`program` just published, stored for the recorder too."""
        if self._last_program is None:
            return
        headers = self._last_program.to_headers()
        headers["Nats-Msg-Id"] = f"{self._space_id}.{self.epoch}.{self._last_program.seq}"
        await self._durable.publish(self._recording_subject, payload, headers)

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
        self._durable = DurableFeed(nc)

    def publisher(self, space_id: str) -> FeedPublisher:
        return FeedPublisher(self._nc, space_id, self._durable)

    async def drain(self) -> None:
        """Wait for the recording feed's outstanding acknowledgements."""
        await self._durable.drain()

    async def follow_program(self, space_id: str, on_packet: ProgramPacket) -> Unfollow:
        """Hand every packet of ``space_id``'s program to ``on_packet`` (an edge worker),
        until the returned ``unfollow`` is awaited."""

        async def relay(msg: Msg) -> None:
            await on_packet(msg.data, FeedHeaders.from_headers(msg.headers).pts)

        subscription = await self._nc.subscribe(program_feed_subject(space_id), cb=relay)
        return subscription.unsubscribe
