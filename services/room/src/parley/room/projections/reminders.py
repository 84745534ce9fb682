"""``room_reminders``: who set a reminder for which scheduled Space, from scheduling's
``ReminderSet`` / ``ReminderCleared`` (scheduling owns reminders: ADR 20). Room shows the count
and the caller's own reminder on its view, and tells the reminded when the Space's time comes,
when it goes live and when it is canceled for not starting.

It reads every SCHEDULING event, so its position follows that stream: the policy that notes a
scheduled Space's time waits for it to pass everything scheduling stored before (a reminder set
just before the time counts).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.scheduling import CONTEXT, ReminderCleared, ReminderSet
from parley.contracts.subjects import context_filter
from parley.room.projections.tables import reminders
from parley.room.projections.upserts import insert_ignoring_existing


class RemindersProjection:
    name = "room_reminders"
    filter_subjects: Sequence[str] = (context_filter(CONTEXT),)
    tables: Sequence[Table] = (reminders,)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case ReminderSet(space_id=space_id, user_id=user_id):
                await insert_ignoring_existing(
                    session, reminders, [{"space_id": space_id, "user_id": user_id}]
                )
            case ReminderCleared(space_id=space_id, user_id=user_id):
                await session.execute(
                    delete(reminders).where(
                        reminders.c.space_id == space_id, reminders.c.user_id == user_id
                    )
                )
            case _:
                pass
