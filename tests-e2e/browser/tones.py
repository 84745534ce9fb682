"""Fake microphone input: a WAV file chromium loops as the microphone
(``--use-file-for-fake-audio-capture``).

Not a steady tone: the browser's noise suppression fades a stationary sound out within a
couple of seconds. Short syllable-like bursts of one frequency go through as speech would.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 48_000
BURST_S = 0.3
PERIOD_S = 0.4


def write_tone(path: Path, frequency: float, seconds: float = 4.0, amplitude: float = 0.5) -> Path:
    frames = bytearray()
    for i in range(int(seconds * RATE)):
        t = i / RATE
        phase = (t % PERIOD_S) / BURST_S
        envelope = math.sin(math.pi * phase) ** 2 if phase < 1 else 0.0
        sample = amplitude * envelope * math.sin(2 * math.pi * frequency * t)
        frames += struct.pack("<h", int(32767 * sample))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return path
