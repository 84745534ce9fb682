"""Judging who heard what: recordings made of synthetic frames, turns, verdicts, the table."""

from __future__ import annotations

import numpy as np

from parley.bots.recorder import Recorder
from parley.bots.report import Turn, hear, problems, render, render_indicators
from parley.bots.scenario import handle
from parley.bots.sources import FRAME_S, FRAME_SAMPLES, Silence, Tone

TURNS = [
    Turn("host", 440.0, start=100.0, end=102.0),
    Turn("speaker1", 660.0, start=102.0, end=104.0),
    Turn("speaker2", 880.0, start=104.0, end=106.0),
]


def recording(*tones_per_turn: float | None) -> Recorder:
    """Frames arriving every 20 ms from 100.0 to 106.0: each turn's tone (None: silence)."""
    recorder = Recorder()
    sources = [Silence() if tone is None else Tone(tone) for tone in tones_per_turn]
    for index in range(round(6.0 / FRAME_S)):
        arrived = 100.0 + index * FRAME_S
        recorder.add(arrived, sources[min(2, int((arrived - 100.0) // 2.0))].read(FRAME_SAMPLES))
    return recorder


def test_a_listener_who_heard_every_turn_is_ok() -> None:
    hearing = hear("listener01", "listener", recording(440, 660, 880), TURNS)

    assert hearing.heard == (frozenset({440.0}), frozenset({660.0}), frozenset({880.0}))
    assert hearing.audible_share > 0.99
    assert problems(hearing, TURNS) == []


def test_a_stage_member_hears_silence_in_their_own_turn() -> None:
    hearing = hear("speaker1", "speaker", recording(440, None, 880), TURNS)

    assert problems(hearing, TURNS) == []
    assert 0.6 < hearing.audible_share < 0.7


def test_a_missed_speaker_and_hearing_oneself_are_problems() -> None:
    listener = hear("listener02", "listener", recording(440, None, 880), TURNS)
    speaker = hear("speaker2", "speaker", recording(440, 660, 880), TURNS)

    assert problems(listener, TURNS) == ["missed speaker1 (660 Hz) in turn 2"]
    assert problems(speaker, TURNS) == ["heard itself in turn 3"]


def test_a_muted_speaker_heard_out_of_turn_is_a_problem() -> None:
    recorder = recording(440, 660, 880)
    still_speaking = Tone(660)
    for index, frame in enumerate(recorder.frames):
        if frame.arrived_at >= 104.5:  # speaker1 still heard in speaker2's turn
            extra = still_speaking.read(FRAME_SAMPLES) // 2
            recorder.frames[index] = type(frame)(frame.arrived_at, frame.samples // 2 + extra)

    assert problems(hear("listener03", "listener", recorder, TURNS), TURNS) == [
        "heard 660 Hz in turn 3"
    ]


def test_without_a_recording_everything_is_missed() -> None:
    hearing = hear("listener04", "listener", None, TURNS)
    assert len(problems(hearing, TURNS)) == 3
    assert hearing.audible_share == 0.0


def test_the_first_moments_of_a_turn_are_not_judged() -> None:
    recorder = recording(440, 660, 880)
    late = [f for f in recorder.frames if not 102.0 <= f.arrived_at < 102.4]  # 0.4 s gap
    recorder.frames[:] = late
    recorder.frames.extend(
        type(f)(f.arrived_at, np.zeros(FRAME_SAMPLES, dtype=np.int16))
        for f in recording(440, 660, 880).frames
        if 102.0 <= f.arrived_at < 102.4
    )
    assert problems(hear("listener05", "listener", recorder, TURNS), TURNS) == []


def test_the_table_has_a_row_per_bot_and_says_what_was_missed() -> None:
    hearings = [
        hear("host", "host", recording(None, 660, 880), TURNS),
        hear("listener01", "listener", recording(440, None, 880), TURNS),
    ]

    lines = render(hearings, TURNS).splitlines()

    assert lines[0].split()[:4] == ["bot", "role", "turn", "1:"]
    assert "speaker2 880 Hz" in lines[0]
    assert lines[2].startswith("host")
    assert "silence (own turn)" in lines[2]
    assert lines[2].endswith("ok")
    assert "MISSED 660 Hz" in lines[3]
    assert lines[3].endswith("missed speaker1 (660 Hz) in turn 2")


def test_handles_fit_identity_rules() -> None:
    for name in ("host", "speaker2", "listener07", "listener120"):
        made = handle(name, "3fa2c1")
        assert 3 <= len(made) <= 15
        assert made.replace("_", "").isalnum()


def test_the_speaking_indicators_are_listed_turn_by_turn() -> None:
    turns = [
        Turn("host", 440.0, 0.0, 1.0, frozenset({"host"})),
        Turn("speaker1", 660.0, 1.0, 2.0, frozenset({"speaker1", "host"})),
        Turn("speaker2", 880.0, 2.0, 3.0),
    ]
    assert render_indicators(turns) == (
        "speaking indicators: turn 1: host; turn 2: host, speaker1; turn 3: nobody"
    )
