"""Test speech made by the project itself: sentences spoken by espeak-ng (Debian's, installed by
``make deps``), in the format of the relay's speaker feeds (s16le mono 16 kHz), and how a
transcript is compared with what was said (words only, for a word error rate)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 16_000  # the speaker feeds' (parley.contracts.media.SPEAKER_FEED_SAMPLE_RATE)
ESPEAK = shutil.which("espeak-ng")


class NoEspeak(RuntimeError):
    """espeak-ng is not installed: no test speech (tests skip, saying so)."""


def speech(sentence: str, voice: str = "en-us", wpm: int = 130) -> bytes:
    """``sentence`` spoken by espeak-ng at a speaker's pace (espeak's own 175 words a minute is
    faster than people talk, and tiny.en mishears its first words): s16le mono 16 kHz (espeak's
    22.05 kHz resampled in the frequency domain)."""
    if ESPEAK is None:
        raise NoEspeak("espeak-ng is not installed (`make deps` installs it): no test speech")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run([ESPEAK, "-v", voice, "-s", str(wpm), "-w", str(path), sentence], check=True)
        with wave.open(str(path)) as spoken:
            rate = spoken.getframerate()
            samples = np.frombuffer(spoken.readframes(spoken.getnframes()), dtype="<i2")
    count = len(samples) * RATE // rate
    spectrum = np.fft.rfft(samples.astype(np.float64))[: count // 2 + 1]
    resampled = np.fft.irfft(spectrum, count) * count / len(samples)
    pcm: bytes = np.clip(resampled, -32768, 32767).astype("<i2").tobytes()
    return pcm


def silence(ms: int) -> bytes:
    return bytes(ms * RATE // 1000 * 2)


def words(text: str) -> str:
    """Lower-case words without punctuation: what a word error rate compares."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())
