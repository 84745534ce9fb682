"""Room's copy of a scheduled Space (ADR 20): scheduling owns the Space until it starts, room
keeps a copy under the same id (state ``scheduled``) that the host starts through room.

The commands come from a policy on scheduling's events, so each is decided on the current
state: delivery is at least once and a new consumer replays the stream. A Space that exists is
not copied again; an edit older (by SCHEDULING sequence) than the last one copied, or any
change once the copy is no longer ``scheduled`` (started: room's now; canceled), appends
nothing; a timer that came due is noted once. An edit, cancel or timer of a Space not copied
yet (the copy's own consumer is behind) is retried: :class:`NotCopiedYet`.
"""

from __future__ import annotations

from typing import TypeVar

from parley.contracts.events.room import (
    HostReminderCame,
    ScheduledStartCame,
    SpaceCanceled,
    SpaceCreated,
    SpaceSettings,
    SpaceUpdated,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.commands import (
    CopyScheduledCancel,
    CopyScheduledEdit,
    CopyScheduledSpace,
    NoteScheduledTime,
)
from parley.room.domain.state import Space, SpaceState

T = TypeVar("T")


class NotCopiedYet(RuntimeError):
    """Scheduling's event names a Space room has no copy of yet: try again later."""


def copy_space(command: CopyScheduledSpace, state: SpaceState) -> list[DomainEvent]:
    if state is not None:
        return []
    settings = command.settings
    return [
        SpaceCreated(
            space_id=command.space_id,
            host_id=command.host_id,
            title=command.title,
            description=command.description,
            topics=list(command.topics),
            settings=SpaceSettings(
                speak_policy=settings.speak_policy,
                recording=settings.recording,
                clipping=settings.clipping,
                captions=settings.captions,
                max_listeners=settings.max_listeners,
            ),
            scheduled_start=command.scheduled_start.isoformat(),
            scheduling_seq=command.seq,
        )
    ]


def copy_edit(command: CopyScheduledEdit, state: SpaceState) -> list[DomainEvent]:
    space = _copied(state)
    if space.phase != "scheduled" or _copied_already(space, command.seq):
        return []
    title = _changed(command.title, space.title)
    description = _changed(command.description, space.description)
    topics = _changed(command.topics, space.topics)
    start = _changed(command.scheduled_start, space.scheduled_start)
    if (title, description, topics, start) == (None, None, None, None):
        return []
    return [
        SpaceUpdated(
            space_id=space.space_id,
            by=command.by,
            title=title,
            description=description,
            topics=None if topics is None else list(topics),
            scheduled_start=start,
            scheduling_seq=command.seq,
        )
    ]


def copy_cancel(command: CopyScheduledCancel, state: SpaceState) -> list[DomainEvent]:
    space = _copied(state)
    if space.phase != "scheduled":  # started first: room's now, a cancel does not end it
        return []
    return [
        SpaceCanceled(
            space_id=space.space_id,
            by=command.by,
            reason=command.reason,
            scheduling_seq=command.seq,
        )
    ]


def note_time(command: NoteScheduledTime, state: SpaceState) -> list[DomainEvent]:
    space = _copied(state)
    if space.phase != "scheduled" or (command.scheduled_start, command.before_s) in space.noted:
        return []
    if command.before_s is None:
        return [
            ScheduledStartCame(
                space_id=space.space_id,
                host_id=space.host_id,
                scheduled_start=command.scheduled_start,
            )
        ]
    return [
        HostReminderCame(
            space_id=space.space_id,
            host_id=space.host_id,
            scheduled_start=command.scheduled_start,
            before_s=command.before_s,
        )
    ]


def _copied(state: SpaceState) -> Space:
    if state is None:
        raise NotCopiedYet("no copy of this scheduled Space yet")
    return state


def _copied_already(space: Space, seq: int) -> bool:
    return space.copied_seq is not None and seq <= space.copied_seq


def _changed(new: T | None, current: T) -> T | None:
    return None if new is None or new == current else new
