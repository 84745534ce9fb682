"""One user's media session on this worker: their peer connection, their outgoing RTP
stream and, for stage members, the buffer their decoded voice waits in for the mixer."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from dataclasses import dataclass, field

from parley.media_relay.adapters.peers import Negotiated
from parley.media_relay.adapters.rtp import RtpOut
from parley.media_relay.domain.mixing import Pcm

# Frames kept for the mixer per stage member; the mixer takes one per 20 ms tick.
# - A burst beyond MAX_BUFFERED is trimmed back to TRIM_TO at once.
# - Standing delay: when the buffer never ran down to the cushion during WINDOW_TICKS ticks,
#   one frame is dropped. The cushion is 0 frames on a steady link (lowest latency) and 1 frame
#   for JITTERY_TICKS after the buffer ran dry while the speaker was sending: dropping to 0
#   there would make the next late packet a gap in their voice, about once a window.
MAX_BUFFERED = 5
TRIM_TO = 2
WINDOW_TICKS = 50  # 1 s
JITTERY_TICKS = 250  # 5 s


class UplinkBuffer:
    """A stage member's decoded 20 ms frames waiting for the next mixing tick."""

    def __init__(self) -> None:
        self._frames: deque[Pcm] = deque()
        self._lowest = MAX_BUFFERED  # fewest frames left after a take, in this window
        self._ticks = 0
        self._sending = False  # a frame arrived since the last take that found one
        self._jittery_for = 0  # ticks left with a cushion of one frame
        self.frames_in = 0
        self.frames_dropped = 0
        self.underruns = 0

    def push(self, frame: Pcm) -> None:
        self._frames.append(frame)
        self.frames_in += 1
        self._sending = True
        if len(self._frames) > MAX_BUFFERED:
            while len(self._frames) > TRIM_TO:
                self._drop()

    def take(self) -> Pcm | None:
        if self._frames:
            frame: Pcm | None = self._frames.popleft()
        else:
            frame = None
            if self._sending:  # they are talking, and this tick's frame is late
                self.underruns += 1
                self._jittery_for = JITTERY_TICKS
            self._sending = False
        self._jittery_for = max(0, self._jittery_for - 1)
        self._lowest = min(self._lowest, len(self._frames))
        self._ticks += 1
        if self._ticks >= WINDOW_TICKS:
            if self._lowest > self.cushion and len(self._frames) > self.cushion:
                self._drop()  # a frame of standing delay
            self._lowest, self._ticks = MAX_BUFFERED, 0
        return frame

    @property
    def cushion(self) -> int:
        return 1 if self._jittery_for else 0

    @property
    def depth(self) -> int:
        return len(self._frames)

    def _drop(self) -> None:
        self._frames.popleft()
        self.frames_dropped += 1


@dataclass
class MediaSession:
    session_id: str
    space_id: str
    user_id: str
    negotiated: Negotiated
    uplink: bool
    opened_at: float = field(default_factory=time.monotonic)
    buffer: UplinkBuffer = field(default_factory=UplinkBuffer)
    closed: bool = False

    @property
    def out(self) -> RtpOut:
        return self.negotiated.out

    def duration_s(self) -> float:
        return round(time.monotonic() - self.opened_at, 3)

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.negotiated.parked.stop()
        with contextlib.suppress(Exception):
            await self.negotiated.pc.close()
