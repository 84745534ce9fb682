"""``scheduling_spaces``: every scheduled Space as it is now, and who is reminded of it.

It is also how a command finds the host's schedule a Space belongs to (``space_id`` ->
``host_id``): command handlers wait for it after they schedule, so the host's next request
finds the Space (read-your-writes)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.events.scheduling import (
    CONTEXT,
    ReminderCleared,
    ReminderSet,
    ScheduledSpaceCanceled,
    ScheduledSpaceStarted,
    ScheduledSpaceUpdated,
    SpaceScheduled,
)
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import event_type_filter
from parley.scheduling.projections.tables import scheduled_reminders, scheduled_spaces

_SPACES = scheduled_spaces.c


def _filters(*types: type[DomainEvent]) -> tuple[str, ...]:
    return tuple(event_type_filter(CONTEXT, kind.event_type()) for kind in types)


class ScheduledSpacesProjection:
    name = "scheduling_spaces"
    filter_subjects: Sequence[str] = _filters(
        SpaceScheduled,
        ScheduledSpaceUpdated,
        ScheduledSpaceCanceled,
        ScheduledSpaceStarted,
        ReminderSet,
        ReminderCleared,
    )
    tables: Sequence[Table] = (scheduled_spaces, scheduled_reminders)

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        seq = event.stream_seq
        match event.event:
            case SpaceScheduled() as scheduled:
                await session.execute(
                    delete(scheduled_spaces).where(_SPACES.space_id == scheduled.space_id)
                )
                await session.execute(
                    insert(scheduled_spaces).values(
                        space_id=scheduled.space_id,
                        host_id=scheduled.host_id,
                        title=scheduled.title,
                        description=scheduled.description,
                        topics=list(scheduled.topics),
                        settings=scheduled.settings.model_dump(mode="json"),
                        scheduled_start=scheduled.scheduled_start,
                        state="scheduled",
                        reminder_count=await _reminded(session, scheduled.space_id),
                        version=seq,
                    )
                )
            case ScheduledSpaceUpdated() as updated:
                changes = updated.model_dump(
                    include={"title", "description", "topics", "scheduled_start"},
                    exclude_none=True,
                )
                await _change(session, updated.space_id, seq, **changes)
            case ScheduledSpaceCanceled() as canceled:
                await _change(
                    session,
                    canceled.space_id,
                    seq,
                    state="canceled",
                    canceled_reason=canceled.reason,
                )
            case ScheduledSpaceStarted() as started:
                await _change(session, started.space_id, seq, state="started")
            case ReminderSet() as reminder:
                await session.execute(
                    delete(scheduled_reminders).where(
                        scheduled_reminders.c.space_id == reminder.space_id,
                        scheduled_reminders.c.user_id == reminder.user_id,
                    )
                )
                await session.execute(
                    insert(scheduled_reminders).values(
                        space_id=reminder.space_id, user_id=reminder.user_id
                    )
                )
                await _count(session, reminder.space_id, seq)
            case ReminderCleared() as reminder:
                await session.execute(
                    delete(scheduled_reminders).where(
                        scheduled_reminders.c.space_id == reminder.space_id,
                        scheduled_reminders.c.user_id == reminder.user_id,
                    )
                )
                await _count(session, reminder.space_id, seq)
            case _:
                pass


async def _change(session: AsyncSession, space_id: str, seq: int, **values: object) -> None:
    await session.execute(
        update(scheduled_spaces).where(_SPACES.space_id == space_id).values(version=seq, **values)
    )


async def _reminded(session: AsyncSession, space_id: str) -> int:
    count = await session.scalar(
        select(func.count()).where(scheduled_reminders.c.space_id == space_id)
    )
    return int(count or 0)


async def _count(session: AsyncSession, space_id: str, seq: int) -> None:
    await _change(session, space_id, seq, reminder_count=await _reminded(session, space_id))
