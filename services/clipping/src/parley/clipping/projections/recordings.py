"""``clipping_recordings``: recording's facts (RECORDING): is a Space's recording ready, how
long is it, which object holds it. A replay clip is cut from that object. A deleted
recording's Space keeps no caption segments here (its clips go with it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.clipping.projections.tables import caption_segments, recordings
from parley.clipping.projections.upserts import put
from parley.contracts.events import recording
from parley.contracts.subjects import event_type_filter

EVENTS = (
    recording.RecordingStarted,
    recording.RecordingStopped,
    recording.RecordingFinalized,
    recording.RecordingDeleted,
)


class RecordingsProjection:
    name = "clipping_recordings"
    filter_subjects: Sequence[str] = tuple(
        event_type_filter(recording.CONTEXT, event.__name__) for event in EVENTS
    )
    tables: Sequence[Table] = (recordings,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case recording.RecordingStarted(space_id=space_id):
                await put(session, recordings, {"space_id": space_id}, {"state": "recording"})
            case recording.RecordingStopped(space_id=space_id):
                await put(session, recordings, {"space_id": space_id}, {"state": "processing"})
            case recording.RecordingFinalized() as final:
                values = {
                    "state": "ready",
                    "duration_ms": final.duration_ms,
                    "object_name": final.object_name,
                }
                await put(session, recordings, {"space_id": final.space_id}, values)
            case recording.RecordingDeleted(space_id=space_id):
                values = {"state": "deleted", "object_name": None}
                await put(session, recordings, {"space_id": space_id}, values)
                await session.execute(
                    delete(caption_segments).where(caption_segments.c.space_id == space_id)
                )
