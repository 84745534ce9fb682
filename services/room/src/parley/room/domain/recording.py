"""The Space's recording became ready (recording's ``RecordingFinalized``): noted once on the
Space, with who is told, the host aside: everyone who was ever on its stage, except those
removed from it."""

from __future__ import annotations

from parley.contracts.events.room import RecordingReadyNoted
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import NoteRecordingReady
from parley.room.domain.state import SpaceState


def note_ready(command: NoteRecordingReady, state: SpaceState) -> list[DomainEvent]:
    # A recording is of a Space room made; none here (another deployment's stream) or one
    # noted already (a redelivery, a new consumer replaying RECORDING) adds nothing.
    if state is None or state.recording_ready_noted:
        return []
    stage = sorted(
        user
        for user in state.been_on_stage
        if not state.is_host(user) and not state.is_removed(user)
    )
    return [
        RecordingReadyNoted(
            space_id=state.space_id,
            host_id=state.host_id,
            stage=stage,
            duration_ms=command.duration_ms,
        )
    ]
