"""Did someone hear a tone? Analysis of received audio for the own-voice tests.

Audio through Opus has clicks: a tone that starts or stops mid-frame, a stream that switches
encoders, concealment on a busy machine. They reach -40 to -28 dBFS across the spectrum, and
are nobody's voice. So a 20 ms window counts as someone hearing a tone when it is there (above
-40 dBFS) *and* stands out of the spectrum around it: 3 dB louder than at 100 and 200 Hz on
either side, where a 20 ms Hann window puts a steady tone's nulls (keep other tones in the test
away from there). Windows overlap by three quarters, so a burst is never split in two.
"""

from __future__ import annotations

import math

from parley.bots.analysis import tone_dbfs
from parley.media_relay.domain.mixing import FRAME_SAMPLES, SAMPLE_RATE, Pcm

TONE_PRESENT_DBFS = -40.0
STANDS_OUT_DB = 3.0
NEIGHBOURS_HZ = (-200.0, -100.0, 100.0, 200.0)


def windows(pcm: Pcm) -> list[tuple[float, Pcm]]:
    """20 ms windows of ``pcm`` (48 kHz), each with its offset in seconds."""
    step = FRAME_SAMPLES // 4
    return [
        (i / SAMPLE_RATE, pcm[i : i + FRAME_SAMPLES])
        for i in range(0, pcm.size - FRAME_SAMPLES + 1, step)
    ]


def loudest(pcm: Pcm, frequency: float) -> float:
    """The loudest 20 ms of ``frequency`` in ``pcm`` (dBFS)."""
    levels = [tone_dbfs(window, SAMPLE_RATE, frequency) for _, window in windows(pcm)]
    return max(levels, default=-math.inf)


def tone_bursts(pcm: Pcm, frequency: float) -> list[tuple[float, float, float]]:
    """The windows where ``frequency`` is heard: (offset s, level dBFS, dB above the loudest
    neighbour)."""
    bursts = []
    for offset, window in windows(pcm):
        level = tone_dbfs(window, SAMPLE_RATE, frequency)
        if level < TONE_PRESENT_DBFS:
            continue
        around = max(tone_dbfs(window, SAMPLE_RATE, frequency + hz) for hz in NEIGHBOURS_HZ)
        if level - around >= STANDS_OUT_DB:
            bursts.append((round(offset, 3), round(level, 1), round(level - around, 1)))
    return bursts
