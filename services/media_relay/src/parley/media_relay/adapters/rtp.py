"""Sending already-encoded Opus to one listener: a 12-byte RTP header, SRTP, UDP.

aiortc's stock sender runs one coroutine per listener that pulls from a track and packetizes
in Python. The relay instead writes the same encoded payload to every listener from the one
mixing loop: per listener only the header (its SSRC, sequence number and timestamp) differs,
and aiortc's DTLS transport protects and sends it. The sender's own loop is parked on a track
that never yields, so it only sends RTCP (sender reports) for the SSRC we use.
"""

from __future__ import annotations

import asyncio
import random
import struct

from aiortc import RTCRtpSender
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

RTP_VERSION_BYTE = 0x80
_HEADER = struct.Struct("!BBHII")


class ParkedTrack(MediaStreamTrack):
    """An audio track that never yields a frame: the relay sends the packets itself."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._stopped = asyncio.Event()

    async def recv(self) -> None:  # type: ignore[override]
        await self._stopped.wait()
        raise MediaStreamError

    def stop(self) -> None:
        self._stopped.set()
        super().stop()


class RtpOut:
    """One listener's outgoing RTP stream of relay-encoded Opus."""

    def __init__(self, sender: RTCRtpSender, payload_type: int) -> None:
        self._sender = sender
        self._payload_type = payload_type & 0x7F
        self._ssrc: int = sender._ssrc  # the SSRC the answer announced for this sender
        self._sequence = random.randint(0, 0xFFFF)
        self._timestamp_origin = random.randint(0, 0xFFFFFFFF)
        self._first = True
        self.packets_sent = 0

    @property
    def ready(self) -> bool:
        transport = self._sender.transport
        return transport is not None and transport.state == "connected"

    async def send(self, payload: bytes, pts: int) -> bool:
        """Send one encoded frame whose first sample is ``pts`` (48 kHz clock)."""
        if not payload or not self.ready:
            return False
        marker = 0x80 if self._first else 0  # the first packet starts a talkspurt
        header = _HEADER.pack(
            RTP_VERSION_BYTE,
            marker | self._payload_type,
            self._sequence,
            (self._timestamp_origin + pts) & 0xFFFFFFFF,
            self._ssrc,
        )
        try:
            await self._sender.transport._send_rtp(header + payload)
        except ConnectionError:
            return False
        self._first = False
        self._sequence = (self._sequence + 1) & 0xFFFF
        self.packets_sent += 1
        return True
