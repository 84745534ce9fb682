"""Ephemeral media traffic on core NATS (never stored): audio feeds, speaking levels, worker
heartbeats and placement.

Subjects
- ``media.feed.<space_id>.program``: the mixed program of a Space, encoded **once** by the
  origin worker. Body: one Opus packet (48 kHz mono, 20 ms). Edge workers fan it out to their
  listeners; recording and HLS consume it.
- ``media.feed.<space_id>.speaker.<user_id>``: one stage member's audio while they may be heard.
  Body: 20 ms of PCM, signed 16-bit little-endian, mono, 16 kHz (what speech recognition eats).
- ``media.workers``: every relay worker's heartbeat (:class:`WorkerHeartbeat`, JSON), ~1/s.
- ``media.worker.<worker_id>.negotiate``: negotiation forwarded to the worker placement chose.
- ``live.space.<space_id>`` type ``speaking``: ``{user_ids, levels}`` when the set changes.

Every feed message carries the headers in :class:`FeedHeaders`: a per-feed sequence number,
the media timestamp in samples of the feed's clock, and the wall-clock capture time, so a
consumer can order, detect gaps and align feeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from pydantic import BaseModel, Field

from parley.contracts.subjects import check_token

PROGRAM_SAMPLE_RATE = 48_000
SPEAKER_FEED_SAMPLE_RATE = 16_000
FRAME_MS = 20

HEADER_SEQ = "Parley-Feed-Seq"
HEADER_PTS = "Parley-Feed-Pts"
HEADER_RATE = "Parley-Feed-Rate"
HEADER_CAPTURED_AT = "Parley-Captured-At-Ns"
HEADER_CODEC = "Parley-Feed-Codec"

WORKERS_SUBJECT = "media.workers"


def program_feed_subject(space_id: str) -> str:
    return f"media.feed.{check_token(space_id)}.program"


def speaker_feed_subject(space_id: str, user_id: str) -> str:
    return f"media.feed.{check_token(space_id)}.speaker.{check_token(user_id)}"


def speaker_feeds_filter(space_id: str) -> str:
    return f"media.feed.{check_token(space_id)}.speaker.*"


def worker_negotiate_subject(worker_id: str) -> str:
    return f"media.worker.{check_token(worker_id)}.negotiate"


@dataclass(frozen=True)
class FeedHeaders:
    """Timing of one feed message."""

    seq: int
    pts: int
    sample_rate: int
    codec: str  # "opus" or "pcm_s16le"
    captured_at_ns: int

    def to_headers(self) -> dict[str, str]:
        return {
            HEADER_SEQ: str(self.seq),
            HEADER_PTS: str(self.pts),
            HEADER_RATE: str(self.sample_rate),
            HEADER_CODEC: self.codec,
            HEADER_CAPTURED_AT: str(self.captured_at_ns),
        }

    @classmethod
    def from_headers(cls, headers: dict[str, str] | None) -> FeedHeaders:
        headers = headers or {}
        return cls(
            seq=int(headers.get(HEADER_SEQ, "0")),
            pts=int(headers.get(HEADER_PTS, "0")),
            sample_rate=int(headers.get(HEADER_RATE, str(PROGRAM_SAMPLE_RATE))),
            codec=headers.get(HEADER_CODEC, "opus"),
            captured_at_ns=int(headers.get(HEADER_CAPTURED_AT, str(time.time_ns()))),
        )


class WorkerHeartbeat(BaseModel):
    worker_id: str
    listeners: int = Field(description="Listener sessions this worker serves now")
    capacity: int = Field(description="Listener sessions it is willing to serve")
    origins: list[str] = Field(default_factory=list, description="Spaces it mixes (origin of)")
    leaving: bool = Field(default=False, description="It is shutting down: place nothing there")
    at_ns: int = Field(default_factory=time.time_ns)
