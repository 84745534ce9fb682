"""Reads for clips' transcripts: the caption segments in a window, the ready clips a segment
falls in. Both narrow by overlap in the database; the clip's decider has the last word
(``domain/transcript.py``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.clipping.domain.transcript import Segment, Window
from parley.clipping.projections.tables import caption_segments, clips


async def segments_in_window(
    sessions: async_sessionmaker[AsyncSession], space_id: str, window: Window
) -> list[Segment]:
    """The Space's final caption segments overlapping ``window``, by start."""
    async with sessions() as session:
        rows = await session.execute(
            select(caption_segments)
            .where(
                caption_segments.c.space_id == space_id,
                caption_segments.c.start_ms < window.end_ms,
                caption_segments.c.end_ms > window.start_ms,
            )
            .order_by(caption_segments.c.start_ms, caption_segments.c.speaker_id)
        )
    return [Segment(row.speaker_id, row.start_ms, row.end_ms, row.text) for row in rows]


async def ready_clips_overlapping(
    sessions: async_sessionmaker[AsyncSession], space_id: str, start_ms: int, end_ms: int
) -> list[str]:
    """The Space's ready clips whose window overlaps ``[start_ms, end_ms]``."""
    async with sessions() as session:
        rows = await session.scalars(
            select(clips.c.clip_id).where(
                clips.c.space_id == space_id,
                clips.c.state == "ready",
                clips.c.window_start_ms < end_ms,
                clips.c.window_start_ms + clips.c.duration_ms > start_ms,
            )
        )
        return list(rows)
