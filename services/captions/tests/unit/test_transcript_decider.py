"""A speaker's transcript rules, without I/O."""

import pytest

from parley.captions.domain.transcript import (
    FinalizeSegment,
    InvalidSegment,
    SpeakerTranscript,
    decide,
    evolve,
)
from parley.contracts.events.captions import CaptionSegmentFinalized


def segment(start: int, end: int, text: str = "hello  there ") -> FinalizeSegment:
    return FinalizeSegment("sp_1", "usr_a", start, end, text)


def test_a_segment_is_finalized_with_its_words_tidied() -> None:
    events = decide(segment(1000, 2500), SpeakerTranscript())
    assert events == [
        CaptionSegmentFinalized(
            space_id="sp_1", speaker_id="usr_a", start_ms=1000, end_ms=2500, text="hello there"
        )
    ]
    assert evolve(SpeakerTranscript(), events[0]) == SpeakerTranscript(segments=1, end_ms=2500)


def test_the_same_utterance_again_changes_nothing_and_the_next_one_follows() -> None:
    state = SpeakerTranscript(segments=1, end_ms=2500)
    assert decide(segment(1000, 2500), state) == []
    assert decide(segment(2400, 3000), state) == []  # overlaps what is already there
    assert len(decide(segment(2500, 3000), state)) == 1


def test_no_words_no_segment() -> None:
    assert decide(segment(0, 500, "   "), SpeakerTranscript()) == []


def test_a_segment_must_end_after_it_starts() -> None:
    with pytest.raises(InvalidSegment) as refused:
        decide(segment(500, 500), SpeakerTranscript())
    assert (refused.value.status, refused.value.slug) == (422, "invalid-segment")
