"""A recording's retention ran out (its expiry timer, armed when it became ready): it is
deleted as the host's delete does, with reason ``expired``.

Delivery is at least once: a recording deleted already appends nothing (the object is deleted
again, which is fine); the timer of a recording that is not ready (it cannot be armed before)
is logged and dropped."""

from __future__ import annotations

from uuid import uuid4

from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata
from parley.chassis.logs import get_logger
from parley.recording.domain.recording import DeleteRecording, RecordingRejected
from parley.recording.handlers.capture import recording_object_name
from parley.recording.handlers.dependencies import Fired, RecordingDeps, recording_decider

log = get_logger(__name__)


async def expiry_came_due(deps: RecordingDeps, fired: Fired) -> None:
    space_id, _, kind = fired.timer_id.rpartition(".")
    if kind != "expiry" or not space_id:
        log.warning("recording.unknown_timer", timer_id=fired.timer_id)
        return
    command = DeleteRecording(space_id=space_id, actor="", reason="expired")
    metadata = EventMetadata(correlation_id=f"cor_timer_{uuid4().hex}")
    try:
        await execute(deps.store, recording_decider, space_id, command, metadata, cache=deps.cache)
    except RecordingRejected as refused:
        log.warning("recording.expiry_refused", space=space_id, detail=refused.detail)
        return
    await deps.objects.delete(recording_object_name(space_id))
    log.info("recording.expired", space=space_id)
