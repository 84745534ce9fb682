"""[captions] events. Stream ``CAPTIONS``, subjects ``captions.<transcript_id>.<event>``: one
aggregate per speaker's transcript in a Space (:func:`transcript_id`, ``<space_id>~<user_id>``),
so that speakers captioned at once never contend for one aggregate.

Captions are made from each heard stage member's 16 kHz feed (``parley.contracts.media``) while
the Space has captions on. Times are on the recording's clock: milliseconds from the start of
the Space's mixed program, which is where its recording starts (the relay stamps every feed
with the program's media time).
"""

from __future__ import annotations

from pydantic import Field

from parley.contracts.registry import DomainEvent

CONTEXT = "captions"


def transcript_id(space_id: str, user_id: str) -> str:
    """Aggregate id of one speaker's transcript in one Space."""
    return f"{space_id}~{user_id}"


class CaptionSegmentFinalized(DomainEvent, context=CONTEXT, version=1):
    """One utterance of a speaker, transcribed: a final caption and a line of the Space's
    transcript. A speaker's segments come in order and never overlap."""

    space_id: str
    speaker_id: str = Field(description="The stage member who spoke")
    start_ms: int = Field(ge=0, description="Where the words start, on the recording's clock")
    end_ms: int = Field(ge=0, description="Where the words end, on the recording's clock")
    text: str = Field(description="What was said, as transcribed")
