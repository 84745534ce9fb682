"""Reads of the scheduled Spaces read model (eventually consistent with the stream)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.contracts.api.scheduling import ScheduledSpaceView
from parley.contracts.events.room import SpaceSettings
from parley.scheduling.projections.tables import scheduled_reminders, scheduled_spaces

Sessions = async_sessionmaker[AsyncSession]
_SPACES = scheduled_spaces.c


@dataclass(frozen=True)
class Viewer:
    user_id: str | None
    public_url: str


async def host_of(sessions: Sessions, space_id: str) -> str | None:
    """Whose schedule holds the Space (None: scheduling does not know it)."""
    async with sessions() as session:
        host: str | None = await session.scalar(
            select(_SPACES.host_id).where(_SPACES.space_id == space_id)
        )
        return host


async def scheduled_space(
    sessions: Sessions, space_id: str, viewer: Viewer
) -> ScheduledSpaceView | None:
    async with sessions() as session:
        row = (
            await session.execute(select(scheduled_spaces).where(_SPACES.space_id == space_id))
        ).one_or_none()
        if row is None:
            return None
        reminded = set(await _reminded_by(session, [space_id], viewer.user_id))
        return _view(row._mapping, viewer, reminded)


async def upcoming(
    sessions: Sessions, viewer: Viewer, *, host_id: str | None, limit: int
) -> list[ScheduledSpaceView]:
    """Scheduled Spaces not started nor canceled, soonest first."""
    query = select(scheduled_spaces).where(_SPACES.state == "scheduled")
    if host_id is not None:
        query = query.where(_SPACES.host_id == host_id)
    query = query.order_by(_SPACES.scheduled_start, _SPACES.space_id).limit(limit)
    async with sessions() as session:
        rows = [row._mapping for row in await session.execute(query)]
        ids = [row["space_id"] for row in rows]
        reminded = set(await _reminded_by(session, ids, viewer.user_id))
        return [_view(row, viewer, reminded) for row in rows]


async def reminded_users(sessions: Sessions, space_id: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(scheduled_reminders.c.user_id)
            .where(scheduled_reminders.c.space_id == space_id)
            .order_by(scheduled_reminders.c.user_id)
        )
        return list(rows)


async def _reminded_by(
    session: AsyncSession, space_ids: list[str], user_id: str | None
) -> list[str]:
    if user_id is None or not space_ids:
        return []
    rows = await session.scalars(
        select(scheduled_reminders.c.space_id).where(
            scheduled_reminders.c.space_id.in_(space_ids),
            scheduled_reminders.c.user_id == user_id,
        )
    )
    return list(rows)


def _utc(moment: datetime) -> datetime:
    """SQLite gives times back without their zone: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _view(row: Any, viewer: Viewer, reminded: set[str]) -> ScheduledSpaceView:
    return ScheduledSpaceView(
        id=row["space_id"],
        host_id=row["host_id"],
        title=row["title"],
        description=row["description"],
        topics=list(row["topics"]),
        settings=SpaceSettings.model_validate(row["settings"]),
        state=row["state"],
        scheduled_start=_utc(row["scheduled_start"]),
        share_url=f"{viewer.public_url.rstrip('/')}/spaces/{row['space_id']}",
        reminder_count=row["reminder_count"],
        reminded=row["space_id"] in reminded,
        canceled_reason=row["canceled_reason"],
        version=row["version"],
    )
