"""``captions_deleted_recordings``: recording's ``RecordingDeleted`` (RECORDING). A deleted
recording's Space leaves the transcripts and the search: its segments are dropped (the search
index with them) and any that arrive later are not kept (``TranscriptsProjection``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from parley.captions.projections.tables import deleted_recordings, segments
from parley.chassis.event_store import StoredEvent
from parley.contracts.events import recording
from parley.contracts.subjects import event_type_filter


class DeletedRecordingsProjection:
    name = "captions_deleted_recordings"
    filter_subjects: Sequence[str] = (
        event_type_filter(recording.CONTEXT, recording.RecordingDeleted.__name__),
    )
    tables: Sequence[Table] = (deleted_recordings,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case recording.RecordingDeleted(space_id=space_id):
                postgres = session.get_bind().dialect.name == "postgresql"
                dialect = postgresql if postgres else sqlite
                await session.execute(
                    dialect.insert(deleted_recordings)
                    .values(space_id=space_id)
                    .on_conflict_do_nothing(index_elements=["space_id"])
                )
                await session.execute(delete(segments).where(segments.c.space_id == space_id))
