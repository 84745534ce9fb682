"""When room creates a Space with recording on, its recording starts: the capture supervisor
runs a recorder for it, which waits for the feed (the relay puts the program on it from the
moment the Space is live).

At least once, and a new durable starts from ROOM's first event: a recording started already
appends nothing; a Space without recording is not ours."""

from __future__ import annotations

from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.room import SpaceCreated
from parley.recording.domain.recording import StartRecording
from parley.recording.handlers.dependencies import RecordingDeps, recording_decider


def start_recording_when_space_created(deps: RecordingDeps) -> Policy[SpaceCreated]:
    async def react(created: SpaceCreated, stored: StoredEvent) -> None:
        if not created.settings.recording:
            return
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        command = StartRecording(
            space_id=created.space_id, host_id=created.host_id, title=created.title
        )
        await execute(
            deps.store, recording_decider, created.space_id, command, metadata, cache=deps.cache
        )

    return Policy(
        "recording_start_when_space_created",
        SpaceCreated,
        react,
        description="Starts the recording of a Space created with recording on",
    )
