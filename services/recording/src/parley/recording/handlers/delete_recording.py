"""``cmd.recording.delete_recording``: the host deletes a ready recording; its audio goes.

The event first, then the object: a recorder or a reader never finds a recording that says
ready without its audio, and a delete interrupted between the two is finished by running the
command again (it then appends nothing and deletes the object). Its expiry timer is disarmed
(a firing already on its way finds the recording deleted and changes nothing).
``RecordingDeleted`` is what clipping deletes the recording's clips on."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.decider import execute
from parley.contracts.api.recording import RecordingRef, RecordingView
from parley.recording.domain.recording import DeleteRecording, RecordingNotFound
from parley.recording.handlers.capture import recording_object_name
from parley.recording.handlers.dependencies import (
    RecordingDeps,
    expiry_timer_id,
    recording_decider,
)
from parley.recording.projections.recordings import RecordingsProjection
from parley.recording.queries.recordings import recording_of


async def delete_recording(
    deps: RecordingDeps, payload: RecordingRef, ctx: RequestContext
) -> RecordingView:
    actor = require_actor(ctx, "delete a recording")
    command = DeleteRecording(space_id=payload.space_id, actor=actor)
    outcome = await execute(
        deps.store,
        recording_decider,
        payload.space_id,
        command,
        ctx.event_metadata(),
        cache=deps.cache,
    )
    await deps.objects.delete(recording_object_name(payload.space_id))
    if deps.timers is not None:
        await deps.timers.disarm(expiry_timer_id(payload.space_id))
    await deps.positions.wait(RecordingsProjection.name, outcome.version)
    view = await recording_of(deps.sessions, payload.space_id, deps.retention)
    if view is None:
        raise RecordingNotFound(f"{payload.space_id} has no recording")
    return view
