"""A host's schedule: every Space the host scheduled. ``decide(command, state) -> events`` and
``evolve(state, event) -> state``; the state is immutable (a new one per event).

One aggregate per host (id: the host's user id) holds the upcoming Spaces, so the limit of
upcoming Spaces is checked by one expected-version append: of simultaneous schedules, only
those decided on the latest state are stored, the others are decided again (and refused once
the limit is reached). Timers that come due are decided here too, against the current state:
a firing for a time the Space no longer has, or for a Space canceled or started, is nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Literal

from parley.contracts.events.room import SpaceSettings
from parley.contracts.events.scheduling import (
    CancelReason,
    ReminderDue,
    ScheduledSpaceCanceled,
    ScheduledSpaceStarted,
    ScheduledSpaceUpdated,
    ScheduledStartDue,
    SpaceScheduled,
)
from parley.contracts.registry import DomainEvent
from parley.scheduling.domain.errors import (
    Conflict,
    NotAllowed,
    space_canceled,
    space_not_found,
    space_started,
)
from parley.scheduling.domain.rules import (
    Limits,
    as_utc,
    check_description,
    check_start,
    check_title,
    check_topics,
)

Status = Literal["scheduled", "canceled", "started"]


@dataclass(frozen=True)
class ScheduledSpace:
    space_id: str
    host_id: str
    title: str
    description: str
    topics: tuple[str, ...]
    settings: SpaceSettings
    scheduled_start: datetime
    status: Status = "scheduled"
    canceled_reason: CancelReason | None = None
    start_due: bool = False  # ScheduledStartDue recorded for the current time
    host_reminded: frozenset[int] = frozenset()  # ReminderDue's before_s, for the current time


@dataclass(frozen=True)
class HostSchedule:
    spaces: Mapping[str, ScheduledSpace] = field(default_factory=lambda: MappingProxyType({}))

    def upcoming(self) -> list[ScheduledSpace]:
        return [space for space in self.spaces.values() if space.status == "scheduled"]

    def with_space(self, space: ScheduledSpace) -> HostSchedule:
        return HostSchedule(MappingProxyType({**self.spaces, space.space_id: space}))


# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    space_id: str
    host_id: str
    title: str
    scheduled_start: datetime
    now: datetime
    description: str = ""
    topics: tuple[str, ...] = ()
    settings: SpaceSettings = field(default_factory=SpaceSettings)
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Update:
    space_id: str
    actor_id: str
    now: datetime
    title: str | None = None
    description: str | None = None
    topics: tuple[str, ...] | None = None
    scheduled_start: datetime | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Cancel:
    space_id: str
    actor_id: str


@dataclass(frozen=True)
class MarkStarted:
    """Room says the host started it (room's ``SpaceStarted``)."""

    space_id: str
    started_at: datetime | None = None


@dataclass(frozen=True)
class StartCameDue:
    """The start timer armed for ``armed_for`` fired."""

    space_id: str
    armed_for: datetime


@dataclass(frozen=True)
class HostReminderCameDue:
    space_id: str
    armed_for: datetime
    before_s: int


@dataclass(frozen=True)
class AutoCancelCameDue:
    space_id: str
    armed_for: datetime


Command = (
    Schedule
    | Update
    | Cancel
    | MarkStarted
    | StartCameDue
    | HostReminderCameDue
    | AutoCancelCameDue
)


# -- decide --------------------------------------------------------------------------------


def decide(command: Command, state: HostSchedule) -> Sequence[DomainEvent]:
    match command:
        case Schedule():
            return _schedule(command, state)
        case Update():
            return _update(command, _editable(state, command.space_id, command.actor_id))
        case Cancel():
            return _cancel(command, _own(state, command.space_id, command.actor_id))
        case MarkStarted():
            return _mark_started(command, state)
        case StartCameDue() | HostReminderCameDue() | AutoCancelCameDue():
            return _came_due(command, state)


def _schedule(command: Schedule, state: HostSchedule) -> list[DomainEvent]:
    existing = state.spaces.get(command.space_id)
    if existing is not None:
        return []  # this very command, run again: it finds the Space it made
    title = check_title(command.title)
    description = check_description(command.description)
    topics = check_topics(command.topics)
    start = check_start(command.scheduled_start, command.now, command.limits)
    if len(state.upcoming()) >= command.limits.max_upcoming:
        raise Conflict(
            "too-many-upcoming",
            f"at most {command.limits.max_upcoming} upcoming scheduled Spaces per host",
        )
    return [
        SpaceScheduled(
            space_id=command.space_id,
            host_id=command.host_id,
            title=title,
            description=description,
            topics=list(topics),
            settings=command.settings,
            scheduled_start=start,
        )
    ]


def _own(state: HostSchedule, space_id: str, actor_id: str) -> ScheduledSpace:
    space = state.spaces.get(space_id)
    if space is None:
        raise space_not_found()
    if space.host_id != actor_id:
        raise NotAllowed("not-host", "only the host may change a scheduled Space")
    return space


def _editable(state: HostSchedule, space_id: str, actor_id: str) -> ScheduledSpace:
    space = _own(state, space_id, actor_id)
    if space.status == "canceled":
        raise space_canceled()
    if space.status == "started":
        raise space_started()
    return space


def _update(command: Update, space: ScheduledSpace) -> list[DomainEvent]:
    title = None if command.title is None else check_title(command.title)
    description = None if command.description is None else check_description(command.description)
    topics = None if command.topics is None else check_topics(command.topics)
    start = None
    if command.scheduled_start is not None:
        start = check_start(command.scheduled_start, command.now, command.limits)
    changed = ScheduledSpaceUpdated(
        space_id=space.space_id,
        by=command.actor_id,
        title=title if title != space.title else None,
        description=description if description != space.description else None,
        topics=list(topics) if topics is not None and topics != space.topics else None,
        scheduled_start=start if start != space.scheduled_start else None,
    )
    if changed.model_dump(exclude_none=True).keys() <= {"space_id", "by"}:
        return []  # nothing changes
    return [changed]


def _cancel(command: Cancel, space: ScheduledSpace) -> list[DomainEvent]:
    if space.status == "canceled":
        return []  # canceled already
    if space.status == "started":
        raise space_started()
    return [
        ScheduledSpaceCanceled(
            space_id=space.space_id, host_id=space.host_id, by=command.actor_id, reason="host"
        )
    ]


def _mark_started(command: MarkStarted, state: HostSchedule) -> list[DomainEvent]:
    space = state.spaces.get(command.space_id)
    if space is None or space.status == "started":
        return []
    # Room owns the Space from its start (ADR 20): a start room accepted before it learned of
    # a cancel stands.
    return [
        ScheduledSpaceStarted(
            space_id=space.space_id, host_id=space.host_id, started_at=command.started_at
        )
    ]


def _came_due(
    command: StartCameDue | HostReminderCameDue | AutoCancelCameDue, state: HostSchedule
) -> list[DomainEvent]:
    space = state.spaces.get(command.space_id)
    if (
        space is None
        or space.status != "scheduled"
        or space.scheduled_start != as_utc(command.armed_for)
    ):
        return []  # canceled, started, or armed for a time the Space no longer has
    match command:
        case StartCameDue():
            if space.start_due:
                return []
            return [
                ScheduledStartDue(
                    space_id=space.space_id,
                    host_id=space.host_id,
                    scheduled_start=space.scheduled_start,
                )
            ]
        case HostReminderCameDue():
            if command.before_s in space.host_reminded:
                return []
            return [
                ReminderDue(
                    space_id=space.space_id,
                    host_id=space.host_id,
                    scheduled_start=space.scheduled_start,
                    before_s=command.before_s,
                )
            ]
        case AutoCancelCameDue():
            return [
                ScheduledSpaceCanceled(
                    space_id=space.space_id, host_id=space.host_id, by=None, reason="auto"
                )
            ]


# -- evolve --------------------------------------------------------------------------------


def evolve(state: HostSchedule, event: DomainEvent) -> HostSchedule:
    match event:
        case SpaceScheduled():
            return state.with_space(
                ScheduledSpace(
                    space_id=event.space_id,
                    host_id=event.host_id,
                    title=event.title,
                    description=event.description,
                    topics=tuple(event.topics),
                    settings=event.settings,
                    scheduled_start=as_utc(event.scheduled_start),
                )
            )
    space = state.spaces.get(getattr(event, "space_id", ""))
    if space is None:
        return state
    return state.with_space(_evolve_space(space, event))


def _evolve_space(space: ScheduledSpace, event: DomainEvent) -> ScheduledSpace:
    match event:
        case ScheduledSpaceUpdated():
            updated = replace(
                space,
                title=space.title if event.title is None else event.title,
                description=space.description if event.description is None else event.description,
                topics=space.topics if event.topics is None else tuple(event.topics),
            )
            if event.scheduled_start is None:
                return updated
            # A new time: the timers of the old one count for nothing.
            return replace(
                updated,
                scheduled_start=as_utc(event.scheduled_start),
                start_due=False,
                host_reminded=frozenset(),
            )
        case ScheduledSpaceCanceled():
            return replace(space, status="canceled", canceled_reason=event.reason)
        case ScheduledSpaceStarted():
            return replace(space, status="started")
        case ScheduledStartDue():
            return replace(space, start_due=True)
        case ReminderDue():
            return replace(space, host_reminded=space.host_reminded | {event.before_s})
    return space


def auto_cancel_at(space: ScheduledSpace, auto_cancel_s: float) -> datetime:
    return space.scheduled_start + timedelta(seconds=auto_cancel_s)
