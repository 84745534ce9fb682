"""Feed packets -> the recording's packets, in order, with the feed's gaps filled with silence.

The relay's origin numbers its packets (seq) and stamps them with a media time (pts, 48 kHz)
and a capture time, per run of its mixing clock (epoch). Within an epoch, a pts step larger
than one packet is packets the feed lost (a publish the relay could not store); a new epoch is
a new origin after the old one died (ADR 21): how long the Space was not mixed is the capture
time between the two runs. Either way the recording keeps the Space's timeline: the missing
20 ms frames become silent Opus frames and the gap is recorded. Packets at or before the
position (a re-delivered or re-published packet) are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from parley.contracts.events.recording import FeedGap
from parley.contracts.media import FeedPacket as FeedPacket
from parley.contracts.ogg_opus import SAMPLE_RATE, SAMPLES_PER_PACKET, SILENCE

FRAME_NS = 20_000_000
# A new origin more than this after the old one's last packet is not filled in full (an origin
# that came back hours later, a clock gone wrong): the gap recorded says what happened.
MAX_GAP_FRAMES = 10 * 60 * 50


@dataclass(frozen=True)
class Position:
    """Where the recording is: its samples so far and the feed packet that ended them."""

    granule: int = 0
    epoch: str = ""
    last_pts: int = 0
    last_captured_at_ns: int = 0


@dataclass(frozen=True)
class Placed:
    packets: list[bytes]
    gaps: list[FeedGap]
    position: Position


def place(feed: Sequence[FeedPacket], position: Position) -> Placed:
    out: list[bytes] = []
    gaps: list[FeedGap] = []
    for packet in feed:
        missing = _missing_frames(packet, position)
        if missing is None:
            continue
        if missing:
            at_ms = (position.granule + len(out) * SAMPLES_PER_PACKET) * 1000 // SAMPLE_RATE
            gaps.append(FeedGap(at_ms=at_ms, duration_ms=missing * 20))
            out.extend([SILENCE] * missing)
        out.append(packet.payload)
        position = Position(
            granule=position.granule,
            epoch=packet.epoch,
            last_pts=packet.pts,
            last_captured_at_ns=packet.captured_at_ns,
        )
    return Placed(
        out, gaps, replace(position, granule=position.granule + len(out) * SAMPLES_PER_PACKET)
    )


def _missing_frames(packet: FeedPacket, position: Position) -> int | None:
    """Silent frames to put before ``packet``; None to drop it (already in the recording)."""
    if not position.epoch:
        return 0  # the recording's first packet
    if packet.epoch == position.epoch:
        step = packet.pts - position.last_pts
        if step <= 0:
            return None
        return min(step // SAMPLES_PER_PACKET - 1, MAX_GAP_FRAMES)
    elapsed = packet.captured_at_ns - position.last_captured_at_ns
    return max(0, min(round(elapsed / FRAME_NS) - 1, MAX_GAP_FRAMES))
