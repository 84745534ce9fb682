"""When recording deletes a Space's recording (the host, or its retention), the Space's clips
go with it (spec §8): ``ClipDeleted`` for each, its object deleted, its expiry disarmed.

At least once: a clip gone already appends nothing (its object is deleted again, harmlessly)."""

from __future__ import annotations

from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.clipping.domain.clip import DeleteForRecording
from parley.clipping.handlers.cut_clip import clip_object_name
from parley.clipping.handlers.dependencies import ClippingDeps, clip_decider
from parley.clipping.queries.clips import clips_of_space
from parley.contracts.events.recording import RecordingDeleted


def delete_clips_when_recording_deleted(deps: ClippingDeps) -> Policy[RecordingDeleted]:
    async def react(deleted: RecordingDeleted, stored: StoredEvent) -> None:
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        for clip_id in await clips_of_space(deps.sessions, deleted.space_id):
            command = DeleteForRecording(clip_id)
            await execute(deps.store, clip_decider, clip_id, command, metadata, cache=deps.cache)
            await deps.objects.delete_clip(clip_object_name(clip_id))
            await deps.timers.disarm(clip_id)

    return Policy(
        "clipping_delete_when_recording_deleted",
        RecordingDeleted,
        react,
        description="Deletes the clips of a Space whose recording was deleted",
    )
