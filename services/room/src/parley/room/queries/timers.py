"""The host-grace timers (``room_timers``) that are due, and forgetting one once fired."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.room.clock import utc
from parley.room.projections.tables import timers


async def due_timers(session: AsyncSession, now: datetime) -> list[tuple[str, datetime]]:
    query = select(timers.c.space_id, timers.c.deadline).where(timers.c.deadline <= now)
    return [(row.space_id, utc(row.deadline)) for row in await session.execute(query)]


async def forget_timer(session: AsyncSession, space_id: str, deadline: datetime) -> None:
    await session.execute(
        delete(timers).where(timers.c.space_id == space_id, timers.c.deadline == deadline)
    )
