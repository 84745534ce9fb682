"""One mixing tick: levels, the program, and each stage member's mix-minus."""

from __future__ import annotations

import numpy as np
import pytest

from parley.media_relay.domain.mixing import (
    FRAME_SAMPLES,
    INT16_MAX,
    INT16_MIN,
    SAMPLE_RATE,
    SILENCE_DBOV,
    Pcm,
    level_dbov,
    mix,
)


def tone(frequency: float, amplitude: float) -> Pcm:
    t = np.arange(FRAME_SAMPLES) / SAMPLE_RATE
    return np.round(np.sin(2 * np.pi * frequency * t) * amplitude * INT16_MAX).astype(np.int16)


def constant(value: int) -> Pcm:
    return np.full(FRAME_SAMPLES, value, dtype=np.int16)


def test_silence_is_minus_127_dbov() -> None:
    assert level_dbov(np.zeros(FRAME_SAMPLES, dtype=np.int16)) == SILENCE_DBOV
    assert level_dbov(np.zeros(0, dtype=np.int16)) == SILENCE_DBOV
    assert level_dbov(constant(0)) == -127.0


def test_a_full_scale_sine_is_about_minus_3_dbov() -> None:
    assert level_dbov(tone(1000.0, 1.0)) == pytest.approx(-3.01, abs=0.05)


def test_levels_follow_amplitude() -> None:
    assert level_dbov(constant(INT16_MAX)) == pytest.approx(0.0, abs=0.01)
    assert level_dbov(tone(1000.0, 0.1)) == pytest.approx(-23.01, abs=0.1)
    assert level_dbov(tone(1000.0, 0.01)) < level_dbov(tone(1000.0, 0.1))


def test_two_frames_sum() -> None:
    a, b = tone(440.0, 0.2), tone(660.0, 0.2)
    result = mix({"a": a, "b": b}, frozenset())
    np.testing.assert_array_equal(result.program, a.astype(np.int32) + b)
    assert result.program.dtype == np.int16
    assert result.minus == {}
    assert not result.silent


def test_the_sum_clips_instead_of_wrapping_around() -> None:
    loud = mix({"a": constant(30_000), "b": constant(30_000)}, frozenset())
    assert (loud.program == INT16_MAX).all()
    low = mix({"a": constant(-30_000), "b": constant(-30_000)}, frozenset())
    assert (low.program == INT16_MIN).all()


def test_mix_minus_is_the_program_without_ones_own_voice_exactly() -> None:
    a, b, c = tone(440.0, 0.2), tone(660.0, 0.2), tone(880.0, 0.2)
    result = mix({"a": a, "b": b, "c": c}, frozenset({"a", "b", "c"}))
    for own, others in (("a", (b, c)), ("b", (a, c)), ("c", (a, b))):
        expected = others[0].astype(np.int32) + others[1]
        np.testing.assert_array_equal(result.minus[own], expected)
        program_minus_own = result.program.astype(np.int32) - {"a": a, "b": b, "c": c}[own]
        np.testing.assert_array_equal(result.minus[own], program_minus_own)


def test_mix_minus_comes_from_the_unclipped_sum() -> None:
    """When the program clips, subtracting one's own voice from it would leave an echo of it;
    the mix-minus is the others' voices exactly."""
    a, b = constant(30_000), constant(20_000)
    result = mix({"a": a, "b": b}, frozenset({"a", "b"}))
    assert (result.program == INT16_MAX).all()
    np.testing.assert_array_equal(result.minus["a"], b)
    np.testing.assert_array_equal(result.minus["b"], a)


def test_a_lone_speaker_hears_silence() -> None:
    a = tone(440.0, 0.3)
    result = mix({"a": a}, frozenset({"a"}))
    np.testing.assert_array_equal(result.program, a)
    assert not result.minus["a"].any()


def test_an_own_mix_without_a_frame_is_the_program_without_them() -> None:
    """Someone who needs a mix of their own but has no frame this tick: nothing of theirs to
    take out, so the samples are the program's (for an encoder of their own)."""
    a = tone(440.0, 0.3)
    result = mix({"a": a}, frozenset({"a", "muted"}))
    assert set(result.minus) == {"a", "muted"}
    np.testing.assert_array_equal(result.minus["muted"], result.program)
    assert not result.minus["a"].any()


def test_the_minus_is_only_for_stage_listeners() -> None:
    result = mix({"a": tone(440.0, 0.3), "b": tone(660.0, 0.3)}, frozenset({"b"}))
    assert set(result.minus) == {"b"}


def test_no_frames_is_a_silent_program() -> None:
    result = mix({}, frozenset({"a"}))
    assert result.silent
    assert result.program.shape == (FRAME_SAMPLES,)
    assert result.program.dtype == np.int16
    assert not result.program.any()
    assert set(result.minus) == {"a"}
    assert not result.minus["a"].any()
    assert mix({}, frozenset()).minus == {}


def test_mixing_does_not_change_the_frames() -> None:
    a, b = tone(440.0, 0.5), tone(660.0, 0.5)
    copies = a.copy(), b.copy()
    mix({"a": a, "b": b}, frozenset({"a", "b"}))
    np.testing.assert_array_equal(a, copies[0])
    np.testing.assert_array_equal(b, copies[1])
