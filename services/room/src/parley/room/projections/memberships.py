"""``room_memberships_live``: who is in which Space that has not ended, and who hosts each
open Space (``room_open_spaces``): what a suspension policy needs to find a user's Spaces."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import (
    CONTEXT,
    ListenerJoined,
    ParticipantLeft,
    SpaceCreated,
    SpaceEnded,
)
from parley.contracts.subjects import context_filter
from parley.room.projections.tables import memberships_live, open_spaces


class LiveMemberships:
    name = "room_memberships_live"
    # Every room event, so the position follows the stream: the suspension policy waits for
    # it to reach the stream's last sequence before looking a user's Spaces up.
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (memberships_live, open_spaces)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case SpaceCreated(space_id=space_id, host_id=host_id):
                await session.execute(
                    insert(open_spaces).values(space_id=space_id, host_id=host_id)
                )
            case SpaceEnded(space_id=space_id):
                await session.execute(delete(open_spaces).where(open_spaces.c.space_id == space_id))
                await session.execute(
                    delete(memberships_live).where(memberships_live.c.space_id == space_id)
                )
            case ListenerJoined(space_id=space_id, user_id=user_id):
                await _leave(session, space_id, user_id)
                await session.execute(
                    insert(memberships_live).values(space_id=space_id, user_id=user_id)
                )
            case ParticipantLeft(space_id=space_id, user_id=user_id):
                await _leave(session, space_id, user_id)
            case _:
                pass


async def _leave(session: AsyncSession, space_id: str, user_id: str) -> None:
    await session.execute(
        delete(memberships_live).where(
            memberships_live.c.space_id == space_id, memberships_live.c.user_id == user_id
        )
    )
