"""One speaker's transcript in one Space: ``decide(command, state) -> events`` and
``evolve(state, event) -> state``. The state is where the last final segment ended."""

from __future__ import annotations

from dataclasses import dataclass

from parley.contracts.events.captions import CaptionSegmentFinalized
from parley.contracts.registry import DomainEvent
from parley.contracts.rejections import InvalidInput

MAX_TEXT = 2_000


@dataclass(frozen=True)
class FinalizeSegment:
    space_id: str
    speaker_id: str
    start_ms: int
    end_ms: int
    text: str


Command = FinalizeSegment


@dataclass(frozen=True)
class SpeakerTranscript:
    segments: int = 0
    end_ms: int = 0  # where the last final segment ended


class InvalidSegment(InvalidInput):
    def __init__(self, detail: str) -> None:
        super().__init__("invalid-segment", detail)


def decide(command: Command, state: SpeakerTranscript) -> list[DomainEvent]:
    """Nothing for a segment without words, or one that starts before the last one ended (the
    same utterance transcribed again, by a retry or a second replica): a speaker's transcript
    goes forward and never overlaps itself."""
    if command.start_ms < 0 or command.end_ms <= command.start_ms:
        raise InvalidSegment(
            f"a segment ends after it starts ({command.start_ms}-{command.end_ms})"
        )
    text = " ".join(command.text.split())
    if not text:
        return []
    if state.segments and command.start_ms < state.end_ms:
        return []
    return [
        CaptionSegmentFinalized(
            space_id=command.space_id,
            speaker_id=command.speaker_id,
            start_ms=command.start_ms,
            end_ms=command.end_ms,
            text=text[:MAX_TEXT],
        )
    ]


def evolve(state: SpeakerTranscript, event: DomainEvent) -> SpeakerTranscript:
    if isinstance(event, CaptionSegmentFinalized):
        return SpeakerTranscript(segments=state.segments + 1, end_ms=event.end_ms)
    return state
