"""Audio feeds on core NATS (see :mod:`parley.contracts.media`)."""

from __future__ import annotations

import time

from nats.aio.client import Client as NATS

from parley.contracts.media import (
    PROGRAM_SAMPLE_RATE,
    SPEAKER_FEED_SAMPLE_RATE,
    FeedHeaders,
    program_feed_subject,
    speaker_feed_subject,
)


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
