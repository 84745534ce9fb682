"""[scheduling] events. Stream ``SCHEDULING``, subjects ``scheduling.<aggregate_id>.<event>``.

Scheduling owns a scheduled Space until it starts (ADR 20); room owns it from the start, under
the same Space id. Two kinds of aggregate:

- a **host's schedule** (id: the host's user id, ``usr_…``): every Space the host scheduled,
  with its time, edits, cancellation, the timers that came due and its start as room reported
  it. One aggregate per host so that the limit of upcoming Spaces per host is decided by one
  expected-version append, also under concurrency;
- a **reminder** (id ``<space_id>~<user_id>``): one user's reminder for one scheduled Space, so
  that many people setting reminders contend neither with the host nor with each other.

``by`` fields name the acting user; ``None`` means the system (a timer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from parley.contracts.events.room import SpaceSettings
from parley.contracts.registry import DomainEvent

CONTEXT = "scheduling"

CancelReason = Literal["host", "auto"]


def reminder_id(space_id: str, user_id: str) -> str:
    """Aggregate id of one user's reminder for one scheduled Space."""
    return f"{space_id}~{user_id}"


class SpaceScheduled(DomainEvent, context=CONTEXT, version=1):
    """A host scheduled a Space for a future time; it is ``scheduled`` until the host starts it
    (through room, same Space id) or it is canceled."""

    space_id: str
    host_id: str
    title: str = Field(description="1-70 characters")
    description: str = Field(default="", description="At most 280 characters")
    topics: list[str] = Field(default_factory=list, description="At most 3 topics")
    settings: SpaceSettings = Field(default_factory=SpaceSettings)
    scheduled_start: datetime = Field(description="When the host means to start it (UTC)")


class ScheduledSpaceUpdated(DomainEvent, context=CONTEXT, version=1):
    """The host edited a scheduled Space before it started (absent fields unchanged). A new
    ``scheduled_start`` replaces the timers of the old time."""

    space_id: str
    by: str
    title: str | None = None
    description: str | None = None
    topics: list[str] | None = None
    scheduled_start: datetime | None = Field(default=None, description="The new time (UTC)")


class ScheduledSpaceCanceled(DomainEvent, context=CONTEXT, version=1):
    """A scheduled Space will not take place: the host canceled it, or it was not started in
    time (``auto``). Every timer of it is disarmed."""

    space_id: str
    host_id: str
    by: str | None = Field(default=None, description="The host; None when canceled automatically")
    reason: CancelReason = "host"


class ScheduledSpaceStarted(DomainEvent, context=CONTEXT, version=1):
    """Room reported that the host started the scheduled Space (room's ``SpaceStarted``): from
    now on it is room's, and scheduling changes it no more."""

    space_id: str
    host_id: str
    started_at: datetime | None = None


class ReminderSet(DomainEvent, context=CONTEXT, version=1):
    """A user wants to be told when the scheduled Space starts."""

    space_id: str
    user_id: str


class ReminderCleared(DomainEvent, context=CONTEXT, version=1):
    """A user no longer wants to be told when the scheduled Space starts."""

    space_id: str
    user_id: str


class ReminderDue(DomainEvent, context=CONTEXT, version=1):
    """The host's reminder ``before_s`` seconds before the scheduled start came due (24 h and
    1 h by default): the host is to be told."""

    space_id: str
    host_id: str
    scheduled_start: datetime
    before_s: int = Field(description="How long before the start this reminder is")


class ScheduledStartDue(DomainEvent, context=CONTEXT, version=1):
    """The scheduled time came: the host and every reminded user are to be told. The Space stays
    ``scheduled`` until the host starts it, or it is canceled automatically later."""

    space_id: str
    host_id: str
    scheduled_start: datetime
