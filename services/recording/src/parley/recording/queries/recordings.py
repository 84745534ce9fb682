"""Reads of the recordings read model (eventually consistent with the stream)."""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.errors import InvalidInput
from parley.contracts.api.recording import RecordingPage, RecordingView
from parley.recording.projections.tables import recordings


def _view(row: Any, retention: timedelta) -> RecordingView:
    ready_at = row.ready_at
    return RecordingView(
        space_id=row.space_id,
        host_id=row.host_id,
        title=row.title,
        state=row.state,
        duration_ms=row.duration_ms,
        bytes=row.bytes,
        object_name=row.object_name,
        started_at=row.started_at.isoformat() if row.started_at else None,
        ready_at=ready_at.isoformat() if ready_at else None,
        expires_at=(ready_at + retention).isoformat()
        if ready_at and row.state == "ready"
        else None,
        plays=row.plays or 0,
    )


async def recording_of(
    sessions: async_sessionmaker[AsyncSession], space_id: str, retention: timedelta
) -> RecordingView | None:
    async with sessions() as session:
        row = (
            await session.execute(select(recordings).where(recordings.c.space_id == space_id))
        ).first()
        return None if row is None else _view(row, retention)


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"rec:{seq}".encode()).decode()


def _after(cursor: str) -> int:
    try:
        tag, seq = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        if tag != "rec":
            raise ValueError(tag)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("the cursor is not one this list gave", type="invalid-cursor") from None


async def recordings_of_host(
    sessions: async_sessionmaker[AsyncSession],
    host_id: str,
    limit: int,
    retention: timedelta,
    cursor: str | None = None,
) -> RecordingPage:
    """A page of the host's recordings, newest first (by the start's stream sequence)."""
    query = (
        select(recordings)
        .where(recordings.c.host_id == host_id, recordings.c.state != "deleted")
        .order_by(recordings.c.seq.desc())
        .limit(limit + 1)
    )
    if cursor:
        query = query.where(recordings.c.seq < _after(cursor))
    async with sessions() as session:
        rows = list(await session.execute(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return RecordingPage(
        recordings=[_view(row, retention) for row in rows],
        next_cursor=_cursor(rows[-1].seq) if more else None,
    )


async def recordings_being_made(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """Recordings a recorder must run for: live ones, and ended ones not finalized yet."""
    async with sessions() as session:
        rows = await session.scalars(
            select(recordings.c.space_id).where(recordings.c.state.in_(("recording", "processing")))
        )
        return list(rows)
