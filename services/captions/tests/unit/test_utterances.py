"""Cutting a speaker's feed into utterances, without I/O: tones stand in for speech."""

import numpy as np

from parley.captions.domain.utterances import (
    FRAME_SAMPLES,
    Cutting,
    UtteranceCutter,
    level_dbfs,
)

RATE = 16_000


def frames(ms: int, amplitude: float) -> list[bytes]:
    count = ms // 20
    t = np.arange(count * FRAME_SAMPLES) / RATE
    pcm = (np.sin(2 * np.pi * 220 * t) * amplitude * 32767).astype("<i2")
    return [pcm[n * FRAME_SAMPLES : (n + 1) * FRAME_SAMPLES].tobytes() for n in range(count)]


def feed(cutter: UtteranceCutter, chunks: list[bytes], pts: int = 0) -> tuple[list, int]:  # type: ignore[type-arg]
    out = []
    for chunk in chunks:
        out.extend(cutter.push(pts, chunk))
        pts += FRAME_SAMPLES
    return out, pts


def test_levels() -> None:
    assert level_dbfs(frames(20, 0)[0]) == float("-inf")
    assert abs(level_dbfs(frames(20, 1.0)[0]) - (-3.0)) < 0.2  # a full-scale sine is -3 dBFS
    assert level_dbfs(frames(20, 0.001)[0]) < -45 < level_dbfs(frames(20, 0.05)[0])


def test_speech_between_pauses_is_one_utterance_on_the_feeds_clock() -> None:
    cutter = UtteranceCutter(Cutting(end_pause_ms=500, lead_ms=200, tail_ms=200))
    chunks = frames(1000, 0) + frames(1200, 0.3) + frames(700, 0)
    done, _ = feed(cutter, chunks, pts=16_000 * 60)  # a minute into the Space
    assert len(done) == 1
    (utterance,) = done
    # speech from 61.0 s to 62.2 s; 200 ms kept before and after it
    assert (utterance.start_ms, utterance.end_ms) == (60_800, 62_400)
    assert len(utterance.pcm) == (62_400 - 60_800) * 16 * 2
    assert not cutter.speaking


def test_a_short_pause_does_not_end_it_and_a_click_is_no_utterance() -> None:
    cutter = UtteranceCutter(Cutting(end_pause_ms=500))
    chunks = frames(600, 0.3) + frames(300, 0) + frames(600, 0.3) + frames(600, 0)
    chunks += frames(60, 0.5) + frames(800, 0)  # a click: 60 ms < min_speech_ms
    done, _ = feed(cutter, chunks)
    assert [(u.start_ms, u.end_ms) for u in done] == [(0, 1700)]


def test_long_speech_is_cut_at_the_limit() -> None:
    cutter = UtteranceCutter(Cutting(max_ms=5_000))
    done, _ = feed(cutter, frames(12_000, 0.3))
    done += cutter.flush()
    assert [(u.start_ms, u.end_ms) for u in done] == [(0, 5000), (5000, 10_000), (10_000, 12_000)]


def test_a_gap_in_the_feed_ends_what_was_said_and_repeats_are_ignored() -> None:
    cutter = UtteranceCutter()
    done, pts = feed(cutter, frames(1000, 0.3))
    assert done == []
    assert cutter.push(pts - FRAME_SAMPLES, frames(20, 0.3)[0]) == []  # a repeat: ignored
    resumed = cutter.push(pts + 16_000 * 5, frames(20, 0.3)[0])  # 5 s later: muted meanwhile
    assert [(u.start_ms, u.end_ms) for u in resumed] == [(0, 1000)]
    assert cutter.speaking


def test_a_few_missing_frames_are_silence_not_the_end() -> None:
    cutter = UtteranceCutter(Cutting(end_pause_ms=500))
    done, pts = feed(cutter, frames(1000, 0.3))
    # the relay had no audio for three ticks (60 ms), then the sentence goes on
    more, _ = feed(cutter, frames(1000, 0.3) + frames(600, 0), pts=pts + 3 * FRAME_SAMPLES)
    assert done == []
    (utterance,) = more
    assert (utterance.start_ms, utterance.end_ms) == (0, 2260)  # 2.06 s said, 200 ms tail
    hole = utterance.pcm[1000 * 32 : 1060 * 32]
    assert hole == bytes(len(hole))  # heard as silence


def test_how_long_a_speaker_has_been_quiet() -> None:
    cutter = UtteranceCutter(Cutting(end_pause_ms=500))
    assert cutter.quiet_ms == 0
    feed(cutter, frames(300, 0.3))
    assert cutter.quiet_ms == 0
    feed(cutter, frames(240, 0), pts=300 * 16)
    assert cutter.quiet_ms == 240
    feed(cutter, frames(20, 0.3), pts=540 * 16)
    assert cutter.quiet_ms == 0


def test_a_hole_as_long_as_a_pause_ends_it() -> None:
    cutter = UtteranceCutter(Cutting(end_pause_ms=500))
    _, pts = feed(cutter, frames(1000, 0.3))
    resumed = cutter.push(pts + 16 * 500, frames(20, 0.3)[0])
    assert [(u.start_ms, u.end_ms) for u in resumed] == [(0, 1000)]


def test_silence_and_quiet_noise_are_never_an_utterance() -> None:
    cutter = UtteranceCutter()
    done, _ = feed(cutter, frames(3000, 0) + frames(3000, 0.002))
    assert done + cutter.flush() == []
