"""The Space's recording became ready: who is told (the host and everyone ever on stage, not
those removed, not listeners), and noted once per recording."""

from __future__ import annotations

from parley.contracts.events.room import (
    MovedToAudience,
    ParticipantRemoved,
    RecordingReadyNoted,
    SpaceEnded,
)
from parley.room.domain.commands import NoteRecordingReady
from parley.room.domain.decide import decide
from parley.room.domain.evolve import evolve

from .room_unit_spaces import (
    COHOST,
    HOST,
    REMOVED,
    SPACE,
    SPEAKER,
    SPEAKER_2,
    cohost,
    given,
    speaker,
    started,
)

READY = NoteRecordingReady(duration_ms=61_000)


def test_the_host_and_everyone_ever_on_stage_are_told_but_not_those_removed() -> None:
    space = given(
        *started(recording=True),
        cohost(COHOST),
        speaker(SPEAKER),
        speaker(SPEAKER_2),
        speaker(REMOVED),
        MovedToAudience(space_id=SPACE, user_id=SPEAKER_2, by=SPEAKER_2),
        ParticipantRemoved(space_id=SPACE, user_id=REMOVED, by=HOST),
        SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended"),
    )
    assert decide(READY, space) == [
        RecordingReadyNoted(
            space_id=SPACE,
            host_id=HOST,
            stage=sorted([COHOST, SPEAKER, SPEAKER_2]),
            duration_ms=61_000,
        )
    ]


def test_noted_once_per_recording() -> None:
    space = given(*started(recording=True))
    (noted,) = decide(READY, space)
    assert decide(READY, evolve(space, noted)) == []


def test_a_space_room_does_not_know_notes_nothing() -> None:
    assert decide(READY, None) == []
