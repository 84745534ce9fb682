"""One user's media session on this worker: their peer connection, their outgoing RTP
stream and, for stage members, the buffer their decoded voice waits in for the mixer."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass, field

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from parley.chassis.logs import get_logger
from parley.media_relay.adapters.opus import UplinkConverter
from parley.media_relay.adapters.peers import Negotiated
from parley.media_relay.adapters.rtp import RtpOut
from parley.media_relay.domain.mixing import Pcm

log = get_logger(__name__)

# Frames kept for the mixer per stage member. The mixer takes one per 20 ms tick; a client
# whose packets bunch up is trimmed back to TRIM_TO so that latency cannot build up.
MAX_BUFFERED = 4
TRIM_TO = 2


class UplinkBuffer:
    """A stage member's decoded 20 ms frames waiting for the next mixing tick."""

    def __init__(self) -> None:
        self._frames: deque[Pcm] = deque()
        self.frames_in = 0
        self.frames_dropped = 0

    def push(self, frame: Pcm) -> None:
        self._frames.append(frame)
        self.frames_in += 1
        if len(self._frames) > MAX_BUFFERED:
            while len(self._frames) > TRIM_TO:
                self._frames.popleft()
                self.frames_dropped += 1

    def take(self) -> Pcm | None:
        return self._frames.popleft() if self._frames else None


@dataclass
class MediaSession:
    session_id: str
    space_id: str
    user_id: str
    negotiated: Negotiated
    uplink: bool
    opened_at: float = field(default_factory=time.monotonic)
    buffer: UplinkBuffer = field(default_factory=UplinkBuffer)
    _uplink_task: asyncio.Task[None] | None = None
    closed: bool = False

    @property
    def out(self) -> RtpOut:
        return self.negotiated.out

    def receive(self, track: MediaStreamTrack) -> None:
        """Start draining the client's decoded audio into the mixer's buffer."""
        if self._uplink_task is None:
            self._uplink_task = asyncio.create_task(self._drain(track))

    async def _drain(self, track: MediaStreamTrack) -> None:
        converter = UplinkConverter()
        try:
            while True:
                frame = await track.recv()
                for pcm in converter.mixer_frames(frame):  # type: ignore[arg-type]
                    self.buffer.push(pcm)
        except MediaStreamError:
            return
        except Exception:
            log.exception("media.uplink_failed", session=self.session_id)

    def duration_s(self) -> float:
        return round(time.monotonic() - self.opened_at, 3)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._uplink_task is not None:
            self._uplink_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._uplink_task
        self.negotiated.parked.stop()
        with contextlib.suppress(Exception):
            await self.negotiated.pc.close()
