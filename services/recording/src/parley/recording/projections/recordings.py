"""Every recording's state, host, audio and plays: what the queries answer and which recordings the
capture supervisor keeps a recorder for. The runner commits these rows and its position
together."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.recording import (
    CONTEXT,
    RecordingDeleted,
    RecordingFinalized,
    RecordingPlayed,
    RecordingStarted,
    RecordingStopped,
)
from parley.contracts.subjects import context_filter
from parley.recording.projections.tables import recordings


class RecordingsProjection:
    name = "recording_recordings"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (recordings,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        at = event.envelope.occurred_at
        match event.event:
            case RecordingStarted(space_id=space_id, host_id=host_id, title=title):
                await session.execute(
                    insert(recordings).values(
                        space_id=space_id,
                        host_id=host_id,
                        title=title,
                        state="recording",
                        started_at=at,
                        seq=event.stream_seq,
                    )
                )
            case RecordingStopped(space_id=space_id):
                await _set(session, space_id, state="processing")
            case RecordingFinalized() as final:
                await _set(
                    session,
                    final.space_id,
                    state="ready",
                    duration_ms=final.duration_ms,
                    bytes=final.bytes,
                    object_name=final.object_name,
                    ready_at=at,
                )
            case RecordingPlayed(space_id=space_id):
                await session.execute(
                    update(recordings)
                    .where(recordings.c.space_id == space_id)
                    .values(plays=recordings.c.plays + 1)
                )
            case RecordingDeleted(space_id=space_id):
                await _set(session, space_id, state="deleted", object_name=None)


async def _set(session: AsyncSession, space_id: str, **values: object) -> None:
    await session.execute(
        update(recordings).where(recordings.c.space_id == space_id).values(**values)
    )
