"""A clip's transcript: which segments overlap its window, how offers merge (the transcript
only grows, whatever the order or the repeats), and how it reads."""

from __future__ import annotations

from itertools import permutations

from parley.clipping.domain.transcript import (
    Segment,
    Window,
    in_window,
    merged,
    on_clip_clock,
    transcript_text,
)

WINDOW = Window.of(10_000, 30_000)  # 10..40 s


def seg(start_ms: int, end_ms: int, speaker: str = "usr_a", text: str = "") -> Segment:
    return Segment(speaker, start_ms, end_ms, text or f"{speaker}@{start_ms}")


def test_a_segment_belongs_to_a_window_it_overlaps() -> None:
    assert (WINDOW.start_ms, WINDOW.end_ms) == (10_000, 40_000)
    inside = seg(12_000, 15_000)
    across_start = seg(8_000, 10_500)  # a sentence cut by the clip's start
    across_end = seg(39_000, 42_000)
    around = seg(5_000, 45_000)  # longer than the clip
    before = seg(2_000, 9_000)
    touching_start = seg(8_000, 10_000)  # ends where the window starts
    touching_end = seg(40_000, 41_000)  # starts where it ends
    after = seg(41_000, 43_000)
    offered = [before, touching_start, across_start, inside, across_end, around, touching_end]
    assert in_window(WINDOW, [*offered, after]) == [across_start, inside, across_end, around]


def test_the_transcript_is_every_segment_offered_once_in_time_order() -> None:
    a1, b1, a2 = seg(11_000, 12_000), seg(11_000, 13_000, "usr_b"), seg(14_000, 15_000)
    everything = (a1, b1, a2)  # by start, then speaker
    for order in permutations([(a2,), (b1, a1), (a1,)]):
        transcript: tuple[Segment, ...] = ()
        for offer in order:
            transcript = merged(transcript, offer)
        assert transcript == everything
    assert merged(everything, [a2, a1]) == everything  # a repeat adds nothing
    assert merged(everything, []) == everything


def test_a_segment_already_there_stays_as_it_is() -> None:
    kept = seg(11_000, 12_000, text="first words")
    assert merged((kept,), [seg(11_000, 12_000, text="other words")]) == (kept,)


def test_it_reads_one_line_per_speakers_turn() -> None:
    transcript = (
        seg(11_000, 12_000, "usr_a", "Welcome back."),
        seg(12_500, 14_000, "usr_a", " Today we talk about bees. "),
        seg(14_000, 16_000, "usr_b", "Thanks for having me."),
        seg(16_500, 17_000, "usr_b", "   "),
        seg(17_000, 19_000, "usr_a", "So, bees?"),
    )
    assert transcript_text(transcript) == (
        "Welcome back. Today we talk about bees.\nThanks for having me.\nSo, bees?"
    )
    assert transcript_text(()) == ""


def test_on_the_clips_clock_the_segments_are_clamped_to_the_clip() -> None:
    inside = seg(12_000, 15_000)
    across_start = seg(8_000, 10_500, "usr_b")  # a sentence cut by the clip's start
    across_end = seg(39_000, 42_000)
    around = seg(5_000, 45_000, "usr_c")  # longer than the clip
    touching = seg(40_000, 41_000)  # starts where it ends: not the clip's
    placed = on_clip_clock(WINDOW, [across_start, inside, across_end, around, touching])
    assert [(each.speaker_id, each.start_ms, each.end_ms) for each in placed] == [
        ("usr_b", 0, 500),
        ("usr_a", 2_000, 5_000),
        ("usr_a", 29_000, 30_000),
        ("usr_c", 0, 30_000),
    ]
    assert [each.text for each in placed] == [
        each.text for each in (across_start, inside, across_end, around)
    ]
