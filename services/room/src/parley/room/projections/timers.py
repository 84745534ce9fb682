"""``room_timers``: one row per Space whose host is away, with the deadline when it ends unless
the host is back. Durable (a restart loses no timer); the poller fires the due ones."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.room import HostDisconnected, HostReconnected, SpaceEnded
from parley.room.domain.evolve import parse_time
from parley.room.projections.subjects import room_events
from parley.room.projections.tables import timers


class HostGraceTimers:
    name = "room_timers"
    filter_subjects: Sequence[str] = room_events(HostDisconnected, HostReconnected, SpaceEnded)
    tables: Sequence[Table] = (timers,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case HostDisconnected(space_id=space_id, grace_deadline=deadline):
                await session.execute(delete(timers).where(timers.c.space_id == space_id))
                await session.execute(
                    insert(timers).values(space_id=space_id, deadline=parse_time(deadline))
                )
            case HostReconnected(space_id=space_id) | SpaceEnded(space_id=space_id):
                await session.execute(delete(timers).where(timers.c.space_id == space_id))
            case _:
                pass
