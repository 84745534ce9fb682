"""The analysis functions on synthetic signals: tones found or not, silence, click onsets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parley.bots.analysis import (
    click_onsets,
    detect_clicks,
    dominant_frequency,
    has_tone,
    is_silent,
    rms_dbfs,
    tone_dbfs,
    tone_power,
)

RATE = 48_000


def sine(frequency_hz: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * frequency_hz * t)


def as_int16(samples: np.ndarray) -> np.ndarray:
    return (samples * 32767).astype(np.int16)


@pytest.mark.parametrize("frequency", [440.0, 660.0, 880.0, 1234.5])
def test_the_dominant_frequency_of_a_tone_is_its_frequency(frequency: float) -> None:
    assert dominant_frequency(sine(frequency, 0.5), RATE) == pytest.approx(frequency, abs=1.0)


def test_the_dominant_frequency_of_a_mix_is_the_loudest_tone() -> None:
    mix = sine(440, 0.5, 0.1) + sine(880, 0.5, 0.4)
    assert dominant_frequency(as_int16(mix), RATE) == pytest.approx(880, abs=1.0)


def test_the_dominant_frequency_of_silence_is_zero() -> None:
    assert dominant_frequency(np.zeros(4800), RATE) == 0.0


def test_tone_power_measures_the_tone_alone() -> None:
    mix = sine(440, 1.0, 0.5) + sine(660, 1.0, 0.1)
    assert tone_power(mix, RATE, 440) == pytest.approx(0.5**2 / 2, rel=0.02)
    assert tone_power(mix, RATE, 660) == pytest.approx(0.1**2 / 2, rel=0.02)
    assert tone_power(mix, RATE, 880) < 1e-6


def test_a_tone_is_present_only_at_its_own_frequency() -> None:
    samples = as_int16(sine(660, 0.3))
    assert has_tone(samples, RATE, 660)
    assert not has_tone(samples, RATE, 440)
    assert not has_tone(samples, RATE, 880)


def test_a_tone_is_found_in_a_short_window_next_to_another() -> None:
    samples = sine(440, 0.04) + sine(660, 0.04)  # two 20 ms frames
    assert has_tone(samples, RATE, 440)
    assert has_tone(samples, RATE, 660)
    assert not has_tone(samples, RATE, 880)


def test_a_quiet_tone_is_not_present_at_a_loud_threshold() -> None:
    samples = sine(440, 0.5, amplitude=0.001)  # about -63 dBFS
    assert tone_dbfs(samples, RATE, 440) == pytest.approx(-63, abs=1)
    assert not has_tone(samples, RATE, 440)
    assert has_tone(samples, RATE, 440, min_dbfs=-70)


def test_levels_and_silence() -> None:
    assert rms_dbfs(sine(1000, 0.1, amplitude=1.0)) == pytest.approx(-3.01, abs=0.05)
    assert rms_dbfs(np.zeros(960, dtype=np.int16)) == -math.inf
    assert rms_dbfs(np.zeros(0)) == -math.inf
    assert is_silent(np.zeros(960, dtype=np.int16))
    assert is_silent(as_int16(sine(440, 0.02, amplitude=0.001)))
    assert not is_silent(as_int16(sine(440, 0.02)))


def clicks_at(onsets_s: list[float], seconds: float, noise: float = 0.0) -> np.ndarray:
    samples = np.random.default_rng(7).normal(0, noise, round(seconds * RATE)) if noise else None
    if samples is None:
        samples = np.zeros(round(seconds * RATE))
    burst = np.sin(2 * np.pi * 3000 * np.arange(96) / RATE)  # 2 ms at 3 kHz
    for onset in onsets_s:
        start = round(onset * RATE)
        samples[start : start + burst.size] += burst
    return samples


def test_click_onsets_are_found_within_a_millisecond() -> None:
    onsets = [0.1, 0.35, 0.6001, 1.25]
    found = detect_clicks(as_int16(clicks_at(onsets, 1.5, noise=0.01)), RATE, start_time=100.0)
    assert len(found) == len(onsets)
    for expected, seen in zip(onsets, found, strict=True):
        assert abs(seen - (100.0 + expected)) < 0.001


def test_no_clicks_in_silence_or_a_quiet_tone() -> None:
    assert click_onsets(np.zeros(RATE), RATE) == []
    assert click_onsets(sine(440, 1.0, amplitude=0.1), RATE) == []


def test_a_click_counts_once_however_long_it_rings() -> None:
    ringing = clicks_at([0.2], 0.5)
    ringing[round(0.2 * RATE) : round(0.23 * RATE)] += sine(3000, 0.03)
    assert click_onsets(ringing, RATE) == [round(0.2 * RATE) + 1]
