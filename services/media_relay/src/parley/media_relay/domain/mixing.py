"""Mixing the 20 ms ticks of a Space: pure numpy, no I/O, no codec.

Every stage member who may be heard contributes one frame (48 kHz mono, signed 16-bit). The
program is their sum, clipped, and is encoded once for everyone; a stage member hears the
*mix of the others* instead (computed from the unclipped sum, so they never hear an echo of
themselves), encoded for them alone.

Who needs a mix of their own is not just "who has a frame this tick" (:class:`Mixer`): the
program's Opus encoder keeps the last few milliseconds of what it was fed (its look-ahead, its
pitch and long-term prediction history), so a packet of the program carries some of the tick
before, and a decoder fed by one encoder and then by another plays a little of what the second
one was fed before. A member whose frame missed a tick and who was sent the program heard that
tail of their own voice, at up to -20 dBFS, on every late or lost frame of theirs: most often
on a busy machine and around a mute or an unmute (issue 9, defect 6).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 48_000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 960
SILENCE_DBOV = -127.0
INT16_MAX = 32767
INT16_MIN = -32768

Pcm = npt.NDArray[np.int16]
Sum = npt.NDArray[np.int32]

SILENT_FRAME: Pcm = np.zeros(FRAME_SAMPLES, dtype=np.int16)


def level_dbov(frame: Pcm) -> float:
    """Loudness of a frame in dB relative to full scale (0 = loudest, -127 = silence)."""
    if frame.size == 0:
        return SILENCE_DBOV
    rms = float(np.sqrt(np.mean(np.square(frame, dtype=np.float64))))
    if rms < 1.0:
        return SILENCE_DBOV
    return max(SILENCE_DBOV, 20.0 * float(np.log10(rms / INT16_MAX)))


def clip(total: Sum) -> Pcm:
    return np.clip(total, INT16_MIN, INT16_MAX).astype(np.int16)


@dataclass(frozen=True)
class Mix:
    """One tick's result: the program everyone hears and each own mix (the others' voices)."""

    program: Pcm
    minus: Mapping[str, Pcm]  # user id -> the mix of everyone heard but them

    @property
    def silent(self) -> bool:
        return not self.program.any()


def mix(frames: Mapping[str, Pcm], own_mix_for: Collection[str]) -> Mix:
    """Mix the frames of those who may be heard.

    Each user in ``own_mix_for`` gets the mix of the others: their own frame, when they have one
    this tick, taken out of the unclipped sum; without one, the same samples as the program
    (which then holds none of their voice), for an encoder of their own.
    """
    if not frames:
        return Mix(program=SILENT_FRAME, minus=dict.fromkeys(own_mix_for, SILENT_FRAME))
    total = np.zeros(FRAME_SAMPLES, dtype=np.int32)
    for frame in frames.values():
        total += frame
    program = clip(total)
    minus = {
        user: clip(total - frames[user]) if user in frames else program for user in own_mix_for
    }
    return Mix(program=program, minus=minus)


# How long a voice stays in what the program's encoder produces after it was last fed: the
# look-ahead (6.5 ms), then CELT's pitch pre-filter (up to 1,024 samples, 21 ms) or SILK's
# long-term prediction (pitch lags up to 18 ms): under two ticks. Five is a wide margin that
# costs, per member who was just muted, four extra encodes.
ENCODER_MEMORY_TICKS = 5


@dataclass(frozen=True)
class Tick:
    """What a Space's origin sends for one tick.

    ``own`` holds, for each user who must not be sent the shared program this tick, the mix of
    the others, to be encoded by an encoder of theirs; everyone else is sent the program,
    encoded once. ``warm_up`` holds, for each of them whose own stream starts this tick (they
    were sent the program until now), the program of the tick before: encoded first and thrown
    away, it leaves their encoder where the program's was, so that their decoder goes on
    without a click. It never holds their voice.
    """

    program: Pcm
    own: Mapping[str, Pcm]
    warm_up: Mapping[str, Pcm] = field(default_factory=dict)


class Mixer:
    """One Space's mixing, tick after tick: pure, and stateful only in what it remembers of
    the ticks before (whose voice the program's encoder may still carry; who had an own
    stream; the last program).

    A connected user gets a mix of their own (never the program) while
    - their frame is in this tick's program;
    - they may be heard now (on stage, mic open, with an uplink), even without a frame this
      tick: a late or lost packet, or silence their client did not send, does not switch their
      stream back and forth between two encoders (every switch is a click);
    - their voice was in the program within the last ``memory_ticks`` ticks (just muted, moved
      to the audience, their frames stopped).
    Everyone else, listeners and muted members alike, shares the program's one encoding.
    """

    def __init__(self, memory_ticks: int = ENCODER_MEMORY_TICKS) -> None:
        self._memory_ticks = memory_ticks
        self._heard_ago: dict[str, int] = {}  # user -> ticks since their voice was in it
        self._own: frozenset[str] = frozenset()
        self._last_program: Pcm | None = None
        self._last_voices: frozenset[str] = frozenset()

    def tick(
        self,
        frames: Mapping[str, Pcm],
        *,
        connected: Collection[str],
        may_be_heard: Collection[str] = (),
    ) -> Tick:
        """Mix ``frames`` (those heard this tick) for the ``connected`` users."""
        self._heard_ago = {
            user: ago + 1 for user, ago in self._heard_ago.items() if ago < self._memory_ticks
        }
        self._heard_ago.update(dict.fromkeys(frames, 0))
        # The few on stage, looked up among the many connected (not the other way round).
        own = frozenset(user for user in (*self._heard_ago, *may_be_heard) if user in connected)
        mixed = mix(frames, own)
        last = self._last_program
        starting = own - self._own - self._last_voices  # never warm up on one's own voice
        warm_up = {} if last is None else dict.fromkeys(starting, last)
        self._own, self._last_program = own, mixed.program
        self._last_voices = frozenset(frames)
        return Tick(program=mixed.program, own=mixed.minus, warm_up=warm_up)
