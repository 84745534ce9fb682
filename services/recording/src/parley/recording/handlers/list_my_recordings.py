"""``qry.recording.list_my_recordings``: the actor's recordings as host, newest first."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.recording import MyRecordings, RecordingPage
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recordings_of_host


async def list_my_recordings(
    deps: RecordingDeps, payload: MyRecordings, ctx: RequestContext
) -> RecordingPage:
    host_id = require_actor(ctx, "see your recordings")
    return await recordings_of_host(
        deps.sessions, host_id, payload.limit, deps.retention, payload.cursor
    )
