"""``clipping_caption_segments``: captions' final segments (CAPTIONS), what a clip's transcript
is made of (``queries/transcripts.py``).

Only what clips may need is kept: not the segments of a Space room says is not recorded (it
has no clips), nor of a Space whose recording was deleted (its clips went with it; the
segments kept before go too: ``recordings.py``). A Space room has not told us of yet keeps its
segments: the ROOM read model may lag this one. Every CAPTIONS event comes through (one
filter for the context), so that this read model's position reaches the stream's last
sequence: the policy on ``ClipReady`` waits for that (``parley.chassis.projections.CatchUp``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.clipping.projections.tables import caption_segments, recordings, spaces
from parley.contracts.events.captions import CONTEXT, CaptionSegmentFinalized
from parley.contracts.subjects import context_filter


class CaptionSegmentsProjection:
    name = "clipping_caption_segments"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (caption_segments,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case CaptionSegmentFinalized() as segment:
                if not await _may_have_clips(session, segment.space_id):
                    return
                await session.execute(
                    insert(caption_segments).values(
                        seq=event.stream_seq,
                        space_id=segment.space_id,
                        speaker_id=segment.speaker_id,
                        start_ms=segment.start_ms,
                        end_ms=segment.end_ms,
                        text=segment.text,
                    )
                )


async def _may_have_clips(session: AsyncSession, space_id: str) -> bool:
    recorded = await session.scalar(select(spaces.c.recording).where(spaces.c.space_id == space_id))
    if recorded is False:
        return False
    state = await session.scalar(
        select(recordings.c.state).where(recordings.c.space_id == space_id)
    )
    return state != "deleted"
