"""``qry.recording.get_recording``: a Space's recording, from the read model (anyone); 410
``recording-deleted`` once deleted (by its host, or expired)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.recording import RecordingRef, RecordingView
from parley.recording.domain.recording import RecordingGone, RecordingNotFound
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recording_of


async def get_recording(
    deps: RecordingDeps, payload: RecordingRef, ctx: RequestContext
) -> RecordingView:
    found = await recording_of(deps.sessions, payload.space_id, deps.retention)
    if found is None:
        raise RecordingNotFound(f"{payload.space_id} has no recording")
    if found.state == "deleted":
        raise RecordingGone(f"the recording of {payload.space_id} was deleted")
    return found
