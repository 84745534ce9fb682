"""Reads of the recordings read model (eventually consistent with the stream)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.contracts.api.recording import RecordingView
from parley.recording.projections.tables import recordings


def _view(row: Any) -> RecordingView:
    return RecordingView(
        space_id=row.space_id,
        host_id=row.host_id,
        title=row.title,
        state=row.state,
        duration_ms=row.duration_ms,
        bytes=row.bytes,
        object_name=row.object_name,
        started_at=row.started_at.isoformat() if row.started_at else None,
        ready_at=row.ready_at.isoformat() if row.ready_at else None,
    )


async def recording_of(
    sessions: async_sessionmaker[AsyncSession], space_id: str
) -> RecordingView | None:
    async with sessions() as session:
        row = (
            await session.execute(select(recordings).where(recordings.c.space_id == space_id))
        ).first()
        return None if row is None else _view(row)


async def recordings_of_host(
    sessions: async_sessionmaker[AsyncSession], host_id: str, limit: int
) -> list[RecordingView]:
    async with sessions() as session:
        rows = await session.execute(
            select(recordings)
            .where(recordings.c.host_id == host_id, recordings.c.state != "deleted")
            .order_by(recordings.c.seq.desc())
            .limit(limit)
        )
        return [_view(row) for row in rows]


async def recordings_being_made(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """Recordings a recorder must run for: live ones, and ended ones not finalized yet."""
    async with sessions() as session:
        rows = await session.scalars(
            select(recordings.c.space_id).where(recordings.c.state.in_(("recording", "processing")))
        )
        return list(rows)
