"""Ephemeral media traffic on core NATS (never stored): audio feeds, speaking levels, worker
heartbeats and placement.

Subjects
- ``media.feed.<space_id>.program``: the mixed program of a Space, encoded **once** by the
  origin worker. Body: one Opus packet (48 kHz mono, 20 ms). Edge workers fan it out to their
  listeners; recording and HLS consume it.
- ``media.recfeed.<space_id>.program``: the same packets, **stored** (JetStream stream
  ``RECFEED``, :data:`parley.contracts.streams.RECORDING_FEED`), published by the origin only
  while a Space with recording on is live, so that the recorder loses nothing when it restarts
  (ADR 21). Each message also carries ``Nats-Msg-Id`` ``<space_id>.<epoch>.<seq>`` (a retried
  publish is stored once) and :data:`HEADER_EPOCH`.
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
from collections.abc import Mapping
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
# Which run of an origin's mixing clock numbered the packet: a new origin (the old one died,
# ADR 21) starts its own seq and pts again, so a consumer compares (epoch, seq), never seq alone.
HEADER_EPOCH = "Parley-Feed-Epoch"

WORKERS_SUBJECT = "media.workers"


def program_feed_subject(space_id: str) -> str:
    return f"media.feed.{check_token(space_id)}.program"


def recording_feed_subject(space_id: str) -> str:
    """Where the origin stores a recorded Space's program while it is live (ADR 21)."""
    return f"media.recfeed.{check_token(space_id)}.program"


RECORDING_FEED_FILTER = "media.recfeed.*.program"


def space_of_recording_feed(subject: str) -> str:
    """``media.recfeed.<space_id>.program`` -> ``<space_id>``."""
    return subject.split(".")[2]


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
    epoch: str = ""  # the origin's run of its mixing clock (program feeds only)

    def to_headers(self) -> dict[str, str]:
        headers = {
            HEADER_SEQ: str(self.seq),
            HEADER_PTS: str(self.pts),
            HEADER_RATE: str(self.sample_rate),
            HEADER_CODEC: self.codec,
            HEADER_CAPTURED_AT: str(self.captured_at_ns),
        }
        if self.epoch:
            headers[HEADER_EPOCH] = self.epoch
        return headers

    @classmethod
    def from_headers(cls, headers: dict[str, str] | None) -> FeedHeaders:
        headers = headers or {}
        return cls(
            seq=int(headers.get(HEADER_SEQ, "0")),
            pts=int(headers.get(HEADER_PTS, "0")),
            sample_rate=int(headers.get(HEADER_RATE, str(PROGRAM_SAMPLE_RATE))),
            codec=headers.get(HEADER_CODEC, "opus"),
            captured_at_ns=int(headers.get(HEADER_CAPTURED_AT, str(time.time_ns()))),
            epoch=headers.get(HEADER_EPOCH, ""),
        )


class WorkerHeartbeat(BaseModel):
    worker_id: str
    listeners: int = Field(description="Listener sessions this worker serves now")
    capacity: int = Field(description="Listener sessions it is willing to serve")
    origins: list[str] = Field(default_factory=list, description="Spaces it mixes (origin of)")
    leaving: bool = Field(default=False, description="It is shutting down: place nothing there")
    at_ns: int = Field(default_factory=time.time_ns)


@dataclass(frozen=True)
class FeedPacket:
    """One message of the durable program feed (``RECFEED``) with the headers that place it:
    what the recorder stores and a live clip is cut from."""

    stream_seq: int  # RECFEED stream sequence
    epoch: str  # the origin's run (a new origin, a new epoch)
    pts: int  # samples of the origin's mixing clock
    captured_at_ns: int
    payload: bytes

    @classmethod
    def stored(
        cls, stream_seq: int, headers: Mapping[str, str] | None, payload: bytes
    ) -> FeedPacket:
        """The packet of a RECFEED message."""
        found = headers or {}
        return cls(
            stream_seq=stream_seq,
            epoch=found.get(HEADER_EPOCH, ""),
            pts=int(found.get(HEADER_PTS, "0")),
            captured_at_ns=int(found.get(HEADER_CAPTURED_AT, "0")),
            payload=payload,
        )
