"""``qry.recording.get_recording``: a Space's recording, from the read model (anyone)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.recording import RecordingRef, RecordingView
from parley.recording.domain.recording import RecordingNotFound
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recording_of


async def get_recording(
    deps: RecordingDeps, payload: RecordingRef, ctx: RequestContext
) -> RecordingView:
    found = await recording_of(deps.sessions, payload.space_id)
    if found is None or found.state == "deleted":
        raise RecordingNotFound(f"{payload.space_id} has no recording")
    return found
