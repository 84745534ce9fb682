"""A stage member's audio, decoded as each RTP packet arrives.

aiortc's receiver puts audio through a jitter buffer that releases a frame only once the
*next* packet has arrived (and, by default, keeps four in reserve), then decodes on a thread
and hands frames over through a queue: 20-100 ms that a client pays once, and that a relay
would add a second time. For the relay's uplinks we take the packets straight from the DTLS
transport instead: in order → decode → the mixer's buffer, which smooths arrival jitter itself
(engine/session.py, UplinkBuffer). A late or repeated packet is dropped; a lost one becomes a
silent tick.
"""

from __future__ import annotations

from collections.abc import Callable

import av
from aiortc import RTCRtpReceiver
from aiortc.rtp import RtpPacket

from parley.chassis.logs import get_logger
from parley.media_relay.adapters.opus import UplinkConverter
from parley.media_relay.domain.mixing import Pcm

log = get_logger(__name__)

HALF_SEQUENCE_SPACE = 0x8000


class OpusUplink:
    def __init__(self, on_frame: Callable[[Pcm], None]) -> None:
        self._on_frame = on_frame
        self._decoder = av.CodecContext.create("opus", "r")
        self._decoder.sample_rate = 48_000
        self._converter = UplinkConverter()
        self._last_sequence: int | None = None
        self.payload_type: int | None = None  # Opus, once the answer is made

    def take_over(self, receiver: RTCRtpReceiver) -> None:
        """Receive ``receiver``'s packets here instead of in aiortc's jitter buffer."""
        receiver._handle_rtp_packet = self.handle  # type: ignore[method-assign]

    async def handle(self, packet: RtpPacket, arrival_time_ms: int) -> None:
        if packet.payload_type != self.payload_type or not packet.payload:
            return
        if self._last_sequence is not None:
            ahead = (packet.sequence_number - self._last_sequence) & 0xFFFF
            if ahead == 0 or ahead >= HALF_SEQUENCE_SPACE:
                return  # a repeat, or older than what was already mixed
        self._last_sequence = packet.sequence_number
        try:
            frames = self._decoder.decode(av.Packet(packet.payload))
        except av.FFmpegError:
            return  # not Opus after all: a silent tick for them
        for frame in frames:
            for pcm in self._converter.mixer_frames(frame):
                self._on_frame(pcm)
