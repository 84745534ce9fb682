"""When recording finalizes a Space's recording (``RecordingFinalized``: it can be played),
room notes it on the Space (``RecordingReadyNoted``), and its notifications read model tells
the host and everyone who was on its stage (``projections/notifications.py``): room's inbox is
ordered by the ROOM stream, so what it tells comes from room's own events.

Who was on stage is the Space's own fold (``Space.been_on_stage``), so the event carries the
recipients and a rebuild of the inbox tells the same people. Noted once per recording (the
Space remembers it): a redelivery, or a new consumer replaying RECORDING, appends nothing.
"""

from __future__ import annotations

from parley.chassis.event_store import StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.recording import RecordingFinalized
from parley.room.domain.commands import NoteRecordingReady
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import run_space
from parley.room.policies.when_space_scheduled_keep_a_copy import caused_by


def when_recording_finalized_note_it(deps: RoomDeps) -> Policy[RecordingFinalized]:
    async def react(finalized: RecordingFinalized, stored: StoredEvent) -> None:
        command = NoteRecordingReady(duration_ms=finalized.duration_ms)
        await run_space(deps, finalized.space_id, command, caused_by(stored))

    return Policy(
        "room_note_recordings_ready",
        RecordingFinalized,
        react,
        description="A Space's recording is ready: the host and everyone on its stage are told",
    )
