"""Who is in a Space now. The read side's ``room_participants`` (one row per stay, current ones
have ``left_at IS NULL``) is the source of listener counts everywhere, so views and the live
``listeners.count`` agree; without the read side installed, the write side's own
``room_memberships_live`` answers the same question."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, column, distinct, func, select, table, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import TableClause

from parley.room.projections.tables import memberships_live

_read_side_participants = table(
    "room_participants",
    column("space_id", String),
    column("user_id", String),
    column("left_at"),
)


@dataclass(frozen=True)
class Participants:
    source: TableClause
    present: ColumnElement[bool]
    projection: str  # the projection keeping ``source``: joins and leaves wait for it

    async def count(self, session: AsyncSession, space_id: str) -> int:
        query = select(func.count(distinct(self.source.c.user_id))).where(
            self.source.c.space_id == space_id, self.present
        )
        return int(await session.scalar(query) or 0)

    async def user_ids(self, session: AsyncSession, space_id: str) -> list[str]:
        query = (
            select(self.source.c.user_id)
            .where(self.source.c.space_id == space_id, self.present)
            .distinct()
        )
        return list(await session.scalars(query))


READ_SIDE_PARTICIPANTS = Participants(
    _read_side_participants, _read_side_participants.c.left_at.is_(None), "room_participants"
)
OWN_MEMBERSHIPS = Participants(memberships_live, true(), "room_memberships_live")
