"""Room keeps its own copy of every Space scheduling holds (ADR 20, "the handover to room"):
scheduling's ``SpaceScheduled`` becomes room's ``SpaceCreated`` (state ``scheduled``, same
Space id, host, fields, settings and time), ``ScheduledSpaceUpdated`` room's ``SpaceUpdated``
(with the new time), ``ScheduledSpaceCanceled`` room's ``SpaceCanceled``. The host then starts
the copy through room (``start_space``) without asking scheduling anything.

One chassis ``Policy`` per event type (each a durable consumer of SCHEDULING). Delivery is at
least once and a new consumer starts from the stream's first event, so each is decided on the
copy's current state (``domain/scheduled_copy.py``): a Space that exists is not created again,
an edit older than the last one copied or a change of a copy that started or was canceled
appends nothing. An edit or cancel that arrives before its Space's copy (another consumer) is
retried until the copy is there.
"""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.scheduling import (
    ScheduledSpaceCanceled,
    ScheduledSpaceUpdated,
    SpaceScheduled,
)
from parley.room.domain.commands import (
    CopyScheduledCancel,
    CopyScheduledEdit,
    CopyScheduledSpace,
    SpaceCommand,
)
from parley.room.domain.state import Settings
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import run_space


def caused_by(stored: StoredEvent) -> EventMetadata:
    """Room's events made from another context's event: the system acts, that event caused it."""
    return EventMetadata(
        correlation_id=stored.envelope.correlation_id,
        actor=None,
        causation_id=stored.envelope.event_id,
        trace_context=stored.envelope.trace_context,
    )


async def copy(deps: RoomDeps, space_id: str, command: SpaceCommand, stored: StoredEvent) -> None:
    await run_space(deps, space_id, command, caused_by(stored))


def when_space_scheduled_keep_a_copy(deps: RoomDeps) -> Policy[SpaceScheduled]:
    async def react(scheduled: SpaceScheduled, stored: StoredEvent) -> None:
        settings = scheduled.settings
        command = CopyScheduledSpace(
            space_id=scheduled.space_id,
            host_id=scheduled.host_id,
            title=scheduled.title,
            description=scheduled.description,
            topics=tuple(scheduled.topics),
            settings=Settings(
                speak_policy=settings.speak_policy,
                recording=settings.recording,
                clipping=settings.clipping,
                captions=settings.captions,
                max_listeners=settings.max_listeners,
            ),
            scheduled_start=scheduled.scheduled_start,
            seq=stored.stream_seq,
        )
        await copy(deps, scheduled.space_id, command, stored)

    return Policy(
        "room_copy_scheduled_spaces",
        SpaceScheduled,
        react,
        description="Room's copy of a scheduled Space: SpaceCreated, state scheduled",
    )


def when_scheduled_space_updated_update_the_copy(deps: RoomDeps) -> Policy[ScheduledSpaceUpdated]:
    async def react(updated: ScheduledSpaceUpdated, stored: StoredEvent) -> None:
        command = CopyScheduledEdit(
            by=updated.by,
            seq=stored.stream_seq,
            title=updated.title,
            description=updated.description,
            topics=None if updated.topics is None else tuple(updated.topics),
            scheduled_start=updated.scheduled_start,
        )
        await copy(deps, updated.space_id, command, stored)

    return Policy(
        "room_copy_scheduled_space_edits",
        ScheduledSpaceUpdated,
        react,
        description="An edit of a scheduled Space (fields, time) reaches room's copy",
    )


def when_scheduled_space_canceled_cancel_the_copy(
    deps: RoomDeps,
) -> Policy[ScheduledSpaceCanceled]:
    async def react(canceled: ScheduledSpaceCanceled, stored: StoredEvent) -> None:
        command = CopyScheduledCancel(reason=canceled.reason, seq=stored.stream_seq, by=canceled.by)
        await copy(deps, canceled.space_id, command, stored)

    return Policy(
        "room_copy_scheduled_space_cancels",
        ScheduledSpaceCanceled,
        react,
        description="A canceled scheduled Space: room's copy is canceled (it cannot start)",
    )
