"""What is in a stretch of audio: pure functions on mono samples (numpy only).

Samples are int16 (full scale 32768) or float (full scale 1.0); levels are dBFS on the RMS
scale, where a full-scale square wave is 0 dBFS and a full-scale sine is about -3 dBFS.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16] | npt.NDArray[np.floating]

SILENCE_DBFS = -50.0  # quieter than this is silence (Opus comfort noise is far below)
TONE_PRESENT_DBFS = -40.0  # a tone at least this loud is "present"
CLICK_THRESHOLD = 0.2  # a click onset is the first sample above this (full scale 1.0)
CLICK_MIN_GAP_S = 0.05  # quiet this long before a click starts a new one


def as_float(samples: Samples) -> npt.NDArray[np.float64]:
    """Samples as float64 in [-1, 1]."""
    array = np.asarray(samples)
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.float64) / 32768.0
    return array.astype(np.float64)


def to_dbfs(mean_square: float) -> float:
    return 10.0 * math.log10(mean_square) if mean_square > 0 else -math.inf


def rms_dbfs(samples: Samples) -> float:
    """The level of the samples (-inf for none or digital silence)."""
    values = as_float(samples)
    if values.size == 0:
        return -math.inf
    return to_dbfs(float(np.mean(values * values)))


def is_silent(samples: Samples, threshold_dbfs: float = SILENCE_DBFS) -> bool:
    return rms_dbfs(samples) < threshold_dbfs


def tone_power(samples: Samples, rate: int, frequency_hz: float) -> float:
    """Mean-square power of the sinusoid at ``frequency_hz`` (a full-scale sine gives 0.5).

    Goertzel's single-bin DFT, Hann-windowed so that neighbouring tones do not leak in. It is
    computed as one dot product, which numpy vectorises (the recurrence would be a Python loop).
    """
    values = as_float(samples)
    if values.size < 2:
        return 0.0
    window = np.hanning(values.size)
    phases = np.exp(-2j * np.pi * frequency_hz / rate * np.arange(values.size))
    amplitude = 2.0 * abs(np.dot(values * window, phases)) / float(np.sum(window))
    return float(amplitude * amplitude / 2.0)


def tone_dbfs(samples: Samples, rate: int, frequency_hz: float) -> float:
    """The level of the tone at ``frequency_hz`` alone, in dBFS."""
    return to_dbfs(tone_power(samples, rate, frequency_hz))


def has_tone(
    samples: Samples, rate: int, frequency_hz: float, min_dbfs: float = TONE_PRESENT_DBFS
) -> bool:
    """Is a tone at ``frequency_hz`` present, at least ``min_dbfs`` loud?"""
    return tone_dbfs(samples, rate, frequency_hz) >= min_dbfs


def dominant_frequency(samples: Samples, rate: int) -> float:
    """The frequency with the most energy (Hz, interpolated between FFT bins); 0.0 for silence."""
    values = as_float(samples)
    if values.size < 4 or not np.any(values):
        return 0.0
    spectrum = np.abs(np.fft.rfft(values * np.hanning(values.size)))
    spectrum[0] = 0.0  # DC is not a frequency anyone hears
    peak = int(np.argmax(spectrum))
    offset = 0.0
    if 0 < peak < spectrum.size - 1:
        left, centre, right = np.log(spectrum[peak - 1 : peak + 2] + 1e-12)
        curvature = left - 2.0 * centre + right
        if curvature < 0:
            offset = 0.5 * (left - right) / curvature
    return float((peak + offset) * rate / values.size)


def click_onsets(
    samples: Samples,
    rate: int,
    threshold: float = CLICK_THRESHOLD,
    min_gap_s: float = CLICK_MIN_GAP_S,
) -> list[int]:
    """Indices where clicks start: the first sample above ``threshold`` after at least
    ``min_gap_s`` without one."""
    loud = np.flatnonzero(np.abs(as_float(samples)) > threshold)
    if loud.size == 0:
        return []
    min_gap = max(1, round(min_gap_s * rate))
    starts = np.concatenate(([True], np.diff(loud) >= min_gap))
    return [int(index) for index in loud[starts]]


def detect_clicks(
    samples: Samples,
    rate: int,
    start_time: float,
    threshold: float = CLICK_THRESHOLD,
    min_gap_s: float = CLICK_MIN_GAP_S,
) -> list[float]:
    """The times of the click onsets, for samples whose first one is at ``start_time``."""
    onsets = click_onsets(samples, rate, threshold, min_gap_s)
    return [start_time + index / rate for index in onsets]
