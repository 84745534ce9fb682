"""``cmd.recording.record_play``: the gateway counts a play of a ready recording (ADR 22: a
request for its audio from byte 0), once per listener within the play window."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.chassis.bus import RequestContext
from parley.chassis.decider import execute
from parley.contracts.api.recording import PlayRecorded, RecordPlay
from parley.recording.domain import recording
from parley.recording.handlers.dependencies import RecordingDeps, recording_decider


async def record_play(
    deps: RecordingDeps, payload: RecordPlay, ctx: RequestContext
) -> PlayRecorded:
    command = recording.RecordPlay(
        space_id=payload.space_id, listener=payload.listener, at=datetime.now(UTC)
    )
    outcome = await execute(
        deps.store,
        recording_decider,
        payload.space_id,
        command,
        ctx.event_metadata(),
        cache=deps.cache,
    )
    return PlayRecorded(counted=bool(outcome.new_events), plays=outcome.state.plays)
