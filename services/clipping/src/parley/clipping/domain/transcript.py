"""A clip's transcript: the final caption segments that overlap its window, in time order.

Every time here is on the recording's clock (milliseconds of the Space's program, where
captions place their segments): a clip's window starts where its audio does and lasts as long.
A segment belongs to a clip when any of it lies inside the window (one that merely touches an
edge does not): a sentence cut by the clip's start or end is still the clip's.

The transcript only grows. Captions finalize a segment once and never take it back, so a
clip's transcript is the union of every segment of its window it was ever offered: offers
arriving twice, late, or in any order (a redelivery, two replicas) end in the same transcript.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    """``[start_ms, end_ms)`` on the recording's clock."""

    start_ms: int
    end_ms: int

    @classmethod
    def of(cls, start_ms: int, duration_ms: int) -> Window:
        return cls(start_ms, start_ms + duration_ms)

    def overlaps(self, start_ms: int, end_ms: int) -> bool:
        """Some of ``[start_ms, end_ms]`` lies inside the window."""
        return start_ms < self.end_ms and end_ms > self.start_ms


@dataclass(frozen=True)
class Segment:
    """One speaker's final caption: who, where on the recording's clock, what."""

    speaker_id: str
    start_ms: int
    end_ms: int
    text: str

    @property
    def key(self) -> tuple[int, str]:
        """A speaker's segments never overlap: where one starts names it."""
        return self.start_ms, self.speaker_id


def in_window(window: Window, segments: Iterable[Segment]) -> list[Segment]:
    return [each for each in segments if window.overlaps(each.start_ms, each.end_ms)]


def merged(transcript: tuple[Segment, ...], offered: Iterable[Segment]) -> tuple[Segment, ...]:
    """``transcript`` with the ``offered`` segments it lacks, by start (then speaker), as
    captions order a Space's transcript. A segment it has already stays as it is."""
    by_key = {each.key: each for each in offered}
    by_key.update({each.key: each for each in transcript})
    return tuple(by_key[key] for key in sorted(by_key))


def transcript_text(transcript: Iterable[Segment]) -> str:
    """The words, one line per speaker's turn: a speaker's consecutive segments make one line,
    so that a reader sees where the voice changes (who spoke is in the segments)."""
    turns: list[tuple[str, list[str]]] = []
    for segment in transcript:
        words = segment.text.strip()
        if not words:
            continue
        if turns and turns[-1][0] == segment.speaker_id:
            turns[-1][1].append(words)
        else:
            turns.append((segment.speaker_id, [words]))
    return "\n".join(" ".join(words) for _, words in turns)


def on_clip_clock(window: Window, transcript: Iterable[Segment]) -> list[Segment]:
    """The segments placed on the clip's own clock (ms from its first sound), each clamped to
    ``[0, duration]``: a sentence cut by the clip's start starts at 0, one cut by its end ends
    at its duration. A segment outside the window has no place in the clip and is left out."""
    duration = window.end_ms - window.start_ms
    placed = []
    for each in transcript:
        if not window.overlaps(each.start_ms, each.end_ms):
            continue
        start = min(max(each.start_ms - window.start_ms, 0), duration)
        end = min(max(each.end_ms - window.start_ms, start), duration)
        placed.append(Segment(each.speaker_id, start, end, each.text))
    return placed
