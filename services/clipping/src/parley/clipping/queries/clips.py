"""Reads of the read models (eventually consistent with their streams)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.clipping.domain.clip import SpaceFacts
from parley.clipping.domain.transcript import Segment, Window, on_clip_clock
from parley.clipping.projections.tables import clips, members, recordings, spaces
from parley.contracts.api.clipping import ClipTranscriptLine, ClipView


async def space_facts(
    sessions: async_sessionmaker[AsyncSession], space_id: str, actor: str
) -> SpaceFacts:
    async with sessions() as session:
        space = (await session.execute(select(spaces).where(spaces.c.space_id == space_id))).first()
        if space is None:
            return SpaceFacts(space_id=space_id, known=False)
        member = (
            await session.execute(
                select(members).where(members.c.space_id == space_id, members.c.user_id == actor)
            )
        ).first()
        recorded = (
            await session.execute(select(recordings).where(recordings.c.space_id == space_id))
        ).first()
    return SpaceFacts(
        space_id=space_id,
        known=True,
        recording=space.recording,
        clipping=space.clipping,
        state=space.state,
        host_id=space.host_id,
        actor_in_space=bool(member and member.present),
        actor_removed=bool(member and member.removed),
        recording_state=recorded.state if recorded else "none",
        recording_ms=(recorded.duration_ms or 0) if recorded else 0,
    )


async def recording_object(
    sessions: async_sessionmaker[AsyncSession], space_id: str
) -> tuple[str, int] | None:
    """The finished recording's object and duration (ms), while it is ready."""
    async with sessions() as session:
        row = (
            await session.execute(select(recordings).where(recordings.c.space_id == space_id))
        ).first()
    if row is None or row.state != "ready" or row.object_name is None:
        return None
    return row.object_name, row.duration_ms or 0


def _view(row: Any, public_url: str) -> ClipView:
    ready = row.state == "ready"
    return ClipView(
        clip_id=row.clip_id,
        space_id=row.space_id,
        state=row.state,
        source=row.source,
        start_s=row.start_s,
        duration_s=row.duration_ms / 1000 if ready and row.duration_ms is not None else None,
        transcript=row.transcript,
        transcript_segments=_lines(row),
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
        expires_at=row.expires_at.isoformat() if row.expires_at else None,
        object_name=row.object_name if ready else None,
        bytes=row.bytes if ready else None,
        audio_url=f"{public_url}/api/v1/clips/{row.clip_id}/audio" if ready else None,
        share_url=f"{public_url}/clips/{row.clip_id}",
        failure=row.failure,
    )


def _lines(row: Any) -> list[ClipTranscriptLine]:
    """The transcript's segments on the clip's clock; none while its window is not known."""
    if row.window_start_ms is None or row.duration_ms is None:
        return []
    stored = [Segment(**each) for each in row.transcript_segments or ()]
    placed = on_clip_clock(Window.of(row.window_start_ms, row.duration_ms), stored)
    return [
        ClipTranscriptLine(
            speaker_id=each.speaker_id, start_ms=each.start_ms, end_ms=each.end_ms, text=each.text
        )
        for each in placed
    ]


async def clip_of(
    sessions: async_sessionmaker[AsyncSession], clip_id: str, public_url: str
) -> ClipView | None:
    async with sessions() as session:
        row = (await session.execute(select(clips).where(clips.c.clip_id == clip_id))).first()
    return None if row is None else _view(row, public_url)


async def clips_of_space(sessions: async_sessionmaker[AsyncSession], space_id: str) -> list[str]:
    """The Space's clips whose audio is not gone yet (pending, ready or failed)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(clips.c.clip_id).where(
                clips.c.space_id == space_id, clips.c.state.in_(("pending", "ready", "failed"))
            )
        )
        return list(rows)
