"""Mixing one 20 ms tick of a Space: pure numpy, no I/O.

Every stage member who may be heard contributes one frame (48 kHz mono, signed 16-bit). The
program is their sum, clipped; a stage member hears the program *minus their own voice*
(computed from the unclipped sum, so they never hear an echo of themselves).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    """One tick's result: the program everyone hears and each stage member's mix-minus."""

    program: Pcm
    minus: Mapping[str, Pcm]  # user id -> the program without their own voice

    @property
    def silent(self) -> bool:
        return not self.program.any()


def mix(frames: Mapping[str, Pcm], stage_listeners: frozenset[str]) -> Mix:
    """Mix the frames of those who may be heard.

    ``stage_listeners`` are the connected stage members: each gets a mix-minus (the program
    without themselves); someone who is not in ``frames`` simply hears the program.
    """
    if not frames:
        return Mix(program=SILENT_FRAME, minus={})
    total = np.zeros(FRAME_SAMPLES, dtype=np.int32)
    for frame in frames.values():
        total += frame
    program = clip(total)
    minus = {user: clip(total - frames[user]) for user in stage_listeners if user in frames}
    return Mix(program=program, minus=minus)
