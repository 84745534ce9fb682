"""Reads of the read models (eventually consistent with their streams)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.captions.projections.tables import segments, spaces
from parley.contracts.api.captions import Transcript, TranscriptSegment


async def spaces_to_caption(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """Live Spaces with captions on."""
    async with sessions() as session:
        rows = await session.execute(
            select(spaces.c.space_id).where(spaces.c.captions.is_(True), spaces.c.state == "live")
        )
    return [row.space_id for row in rows]


async def transcript_of(
    sessions: async_sessionmaker[AsyncSession], space_id: str
) -> Transcript | None:
    """The Space's transcript so far; None for a Space room never told us about."""
    async with sessions() as session:
        space = (await session.execute(select(spaces).where(spaces.c.space_id == space_id))).first()
        found = await session.execute(
            select(segments)
            .where(segments.c.space_id == space_id)
            .order_by(segments.c.start_ms, segments.c.speaker_id, segments.c.seq)
        )
        rows = list(found)
    if space is None and not rows:
        return None
    return Transcript(
        space_id=space_id,
        captions=bool(space and space.captions and space.state != "ended"),
        segments=[
            TranscriptSegment(
                speaker_id=row.speaker_id, start_ms=row.start_ms, end_ms=row.end_ms, text=row.text
            )
            for row in rows
        ],
    )
