"""Reads over ``room_reminders``: how many are reminded of a Space, whether one user is, and
who (the notifications' recipients)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.room.projections.tables import reminders


@dataclass(frozen=True)
class Reminders:
    count: int = 0
    reminded: bool = False


async def reminders_of(session: AsyncSession, space_id: str, user_id: str | None) -> Reminders:
    count = await session.scalar(
        select(func.count()).select_from(reminders).where(reminders.c.space_id == space_id)
    )
    if not count or user_id is None:
        return Reminders(int(count or 0))
    mine = await session.scalar(
        select(func.count())
        .select_from(reminders)
        .where(reminders.c.space_id == space_id, reminders.c.user_id == user_id)
    )
    return Reminders(int(count), bool(mine))


async def reminded_users(session: AsyncSession, space_id: str) -> list[str]:
    users = await session.scalars(
        select(reminders.c.user_id)
        .where(reminders.c.space_id == space_id)
        .order_by(reminders.c.user_id)
    )
    return [str(user) for user in users]
