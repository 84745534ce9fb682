"""When one of scheduling's timers comes due for a scheduled Space (``ScheduledStartDue``: its
time; ``ReminderDue``: the host's reminder ``before_s`` ahead), room notes it on its copy of the
Space (``ScheduledStartCame`` / ``HostReminderCame``), and its notifications read model tells
the host and everyone reminded (``projections/notifications.py``): room's inbox is ordered by
the ROOM stream, so what it tells comes from room's own events.

Each is noted once (the copy remembers which start, and how long before it, it noted: a
redelivery or a replay appends nothing), and only while the copy is ``scheduled``. Before
noting the time it waits until ``room_reminders`` has applied everything SCHEDULING holds, so
a reminder set just before the time counts.
"""

from __future__ import annotations

from parley.chassis.event_store import StoredEvent
from parley.chassis.policies import Policy
from parley.chassis.projections import CatchUp
from parley.contracts import streams
from parley.contracts.events.scheduling import ReminderDue, ScheduledStartDue
from parley.room.domain.commands import NoteScheduledTime
from parley.room.handlers.dependencies import RoomDeps
from parley.room.policies.when_space_scheduled_keep_a_copy import copy
from parley.room.projections.reminders import RemindersProjection


def when_scheduled_start_due_note_it(
    deps: RoomDeps, catch_up: CatchUp
) -> Policy[ScheduledStartDue]:
    async def react(due: ScheduledStartDue, stored: StoredEvent) -> None:
        await catch_up.wait(RemindersProjection.name, streams.SCHEDULING)
        command = NoteScheduledTime(host_id=due.host_id, scheduled_start=due.scheduled_start)
        await copy(deps, due.space_id, command, stored)

    return Policy(
        "room_note_scheduled_starts",
        ScheduledStartDue,
        react,
        description="A scheduled Space's time came: the host and everyone reminded are told",
    )


def when_host_reminder_due_note_it(deps: RoomDeps) -> Policy[ReminderDue]:
    async def react(due: ReminderDue, stored: StoredEvent) -> None:
        command = NoteScheduledTime(
            host_id=due.host_id,
            scheduled_start=due.scheduled_start,
            before_s=due.before_s,
        )
        await copy(deps, due.space_id, command, stored)

    return Policy(
        "room_note_host_reminders",
        ReminderDue,
        react,
        description="The host's reminder before a scheduled Space came due: the host is told",
    )
