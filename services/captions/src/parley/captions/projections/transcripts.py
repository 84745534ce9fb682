"""``caption_segments``: every final segment of every Space (CAPTIONS), what getTranscript and
the search read (the database indexes their text: migration 0002). The runner commits these rows
and its position together. A Space whose recording was deleted keeps no segment."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.captions.projections.tables import deleted_recordings, segments
from parley.chassis.event_store import StoredEvent
from parley.contracts.events.captions import CONTEXT, CaptionSegmentFinalized
from parley.contracts.subjects import context_filter


class TranscriptsProjection:
    name = "captions_transcripts"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (segments,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case CaptionSegmentFinalized() as segment:
                if await _deleted(session, segment.space_id):
                    return
                await session.execute(
                    insert(segments).values(
                        seq=event.stream_seq,
                        space_id=segment.space_id,
                        speaker_id=segment.speaker_id,
                        start_ms=segment.start_ms,
                        end_ms=segment.end_ms,
                        text=segment.text,
                    )
                )


async def _deleted(session: AsyncSession, space_id: str) -> bool:
    found = await session.execute(
        select(deleted_recordings.c.space_id).where(deleted_recordings.c.space_id == space_id)
    )
    return found.first() is not None
