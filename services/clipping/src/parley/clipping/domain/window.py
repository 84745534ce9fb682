"""Which packets a clip holds: pure arithmetic on 20 ms Opus packets.

- A **replay** clip is the run of the recording's packets from ``start_s``: packet ``i`` of a
  recording plays from ``i * 20 ms`` (less the pre-skip, 6.5 ms, the same for every packet), so
  the window is packets ``[round(start_s * 50), + 1500)``. It must lie inside the recording; a
  recording shorter than a clip is clipped whole, from 0.
- A **live** clip is the program's last 30 s before the request, by the packets' captured-at
  times (the relay's wall clock when it mixed them): the packets captured in
  ``(end - 30 s, end]``, ``end`` the newest packet captured by the time of the request, in
  feed order, each once; a hole inside one origin's run (a packet the relay could not store)
  is filled with silence so that the clip keeps the Space's timeline.

Each window also says where it starts on the **recording's clock** (ms of the program's media
time, where captions place their segments): a replay window at its first packet, a live one
at its packets' media time (pts), counted back from the newest packet (whose origin's clock is
the one the Space runs on now).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parley.clipping.domain.errors import window_out_of_range
from parley.contracts.api.clipping import CLIP_SECONDS
from parley.contracts.media import FRAME_MS, PROGRAM_SAMPLE_RATE
from parley.contracts.media import FeedPacket as FeedPacket
from parley.contracts.ogg_opus import SAMPLES_PER_PACKET, SILENCE

PACKETS_PER_SECOND = 1000 // FRAME_MS
CLIP_PACKETS = CLIP_SECONDS * PACKETS_PER_SECOND
_NS_PER_S = 1_000_000_000


@dataclass(frozen=True)
class ReplayWindow:
    first_packet: int
    packets: int

    @property
    def start_s(self) -> float:
        return self.first_packet / PACKETS_PER_SECOND

    @property
    def start_ms(self) -> int:
        return self.first_packet * FRAME_MS


@dataclass(frozen=True)
class ClipAudio:
    """A clip's packets and where they start on the recording's clock."""

    packets: list[bytes]
    start_ms: int


def replay_window(start_s: float, recording_ms: int) -> ReplayWindow:
    """The packets of the 30 s from ``start_s`` in a recording of ``recording_ms``; a window
    reaching outside it is refused (422 ``window-out-of-range``)."""
    recorded = recording_ms * PACKETS_PER_SECOND // 1000
    first = round(start_s * PACKETS_PER_SECOND)
    if recorded <= CLIP_PACKETS:
        if first != 0:
            raise window_out_of_range(
                f"the recording is {recording_ms / 1000:.1f} s: shorter than a clip, it is "
                "clipped whole from start_s 0"
            )
        return ReplayWindow(0, recorded)
    last_start = recorded - CLIP_PACKETS
    if first < 0 or first > last_start:
        raise window_out_of_range(
            f"start_s {start_s:g} is outside the recording: a 30 s window of this "
            f"{recording_ms / 1000:.1f} s recording starts between 0 and "
            f"{last_start / PACKETS_PER_SECOND:g}"
        )
    return ReplayWindow(first, CLIP_PACKETS)


def live_window(
    packets: Sequence[FeedPacket], end_ns: int, seconds: int = CLIP_SECONDS
) -> ClipAudio:
    """The Opus packets of the program's last ``seconds`` before ``end_ns`` (the request):
    the window ends at the newest packet captured by then, so the relay's latency (the last
    packets not stored yet) does not shorten the clip."""
    newest = max((p.captured_at_ns for p in packets if p.captured_at_ns <= end_ns), default=None)
    if newest is None:
        return ClipAudio([], 0)
    end_ns = newest
    start_ns = end_ns - seconds * _NS_PER_S
    chosen: list[FeedPacket] = []
    seen: set[tuple[str, int]] = set()
    for packet in sorted(packets, key=lambda each: each.stream_seq):
        key = (packet.epoch, packet.pts)
        if key in seen or not start_ns < packet.captured_at_ns <= end_ns:
            continue
        seen.add(key)
        chosen.append(packet)
    out: list[bytes] = []
    previous: FeedPacket | None = None
    for packet in chosen:
        if previous is not None and previous.epoch == packet.epoch:
            missing = (packet.pts - previous.pts) // SAMPLES_PER_PACKET - 1
            out.extend([SILENCE] * max(0, missing))
        out.append(packet.payload)
        previous = packet
    out = out[-seconds * PACKETS_PER_SECOND :]
    return ClipAudio(out, _start_ms(chosen[-1], len(out)))


def _start_ms(last: FeedPacket, packets: int) -> int:
    """Where ``packets`` ending with ``last`` start on the recording's clock: counted back from
    the newest packet's media time (a window across a new origin starts on its clock, at 0 at
    the earliest)."""
    end_pts = last.pts + SAMPLES_PER_PACKET
    start_pts = max(0, end_pts - packets * SAMPLES_PER_PACKET)
    return start_pts * 1000 // PROGRAM_SAMPLE_RATE
