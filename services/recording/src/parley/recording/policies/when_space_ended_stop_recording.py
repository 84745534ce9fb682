"""When room ends a recorded Space, its recording stops: the recorder stores what the feed
still holds (the relay stops feeding once it has the same event) and finalizes it into one
object.

At least once: a recording stopped already, or a Space never recorded, appends nothing."""

from __future__ import annotations

import time

from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.room import SpaceEnded
from parley.recording.domain.recording import StopRecording
from parley.recording.handlers.dependencies import RecordingDeps, recording_decider


def stop_recording_when_space_ended(deps: RecordingDeps) -> Policy[SpaceEnded]:
    async def react(ended: SpaceEnded, stored: StoredEvent) -> None:
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        command = StopRecording(space_id=ended.space_id, ended_at_ns=time.time_ns())
        await execute(
            deps.store, recording_decider, ended.space_id, command, metadata, cache=deps.cache
        )

    return Policy(
        "recording_stop_when_space_ended",
        SpaceEnded,
        react,
        description="Stops the recording of a Space that ended; the recorder then finalizes it",
    )
