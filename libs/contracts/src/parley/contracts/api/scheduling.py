"""Scheduling's request/reply contract (context ``scheduling``). The acting user is the
``Parley-Actor`` header; "actor" below means it is required (401 ``unauthenticated``).

Scheduling owns a scheduled Space until the host starts it (through room, same Space id: ADR 20).

Commands (``cmd.scheduling.<name>``):
    schedule_space(ScheduleSpace) -> ScheduledSpaceView            actor becomes the host
    update_scheduled_space(UpdateScheduledSpace) -> ScheduledSpaceView    the host
    cancel_scheduled_space(ScheduledSpaceRef) -> ScheduledSpaceView       the host
    set_reminder / clear_reminder(ScheduledSpaceRef) -> ScheduledSpaceView    actor

Queries (``qry.scheduling.<name>``):
    get_scheduled_space(ScheduledSpaceRef) -> ScheduledSpaceView   actor optional
    list_scheduled_spaces(ListScheduledSpaces) -> ScheduledSpacePage    actor optional
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.api.room import CreateSpace
from parley.contracts.events.room import SpaceSettings
from parley.contracts.routes import Routes

CONTEXT = "scheduling"

ScheduledState = Literal["scheduled", "canceled", "started"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScheduleSpace(CreateSpace):
    """Room's ``createSpace`` payload with the start time required."""

    scheduled_start: datetime = Field(
        description="When the host means to start it (RFC 3339; without a zone: UTC)"
    )


class UpdateScheduledSpace(_Payload):
    space_id: str = Field(max_length=100)
    title: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=5000)
    topics: list[str] | None = Field(default=None, max_length=50)
    scheduled_start: datetime | None = Field(default=None, description="A new time")


class ScheduledSpaceRef(_Payload):
    space_id: str = Field(max_length=100)


class ListScheduledSpaces(_Payload):
    host_id: str | None = Field(
        default=None, max_length=100, description="Only this host's upcoming Spaces"
    )
    limit: int = Field(default=50, ge=1, le=100)


# -- results -------------------------------------------------------------------------------


class ScheduledSpaceView(BaseModel):
    id: str
    host_id: str
    title: str
    description: str = ""
    topics: list[str] = Field(default_factory=list)
    settings: SpaceSettings
    state: ScheduledState
    scheduled_start: datetime
    share_url: str
    reminder_count: int = Field(default=0, description="How many people are reminded")
    reminded: bool = Field(default=False, description="The caller has a reminder set")
    canceled_reason: Literal["host", "auto"] | None = None
    version: int = Field(default=0, description="Stream sequence this view reflects")


class ScheduledSpacePage(BaseModel):
    items: list[ScheduledSpaceView]


# -- routes --------------------------------------------------------------------------------

ROUTES = Routes(CONTEXT)

_FIELDS = ("invalid-title", "invalid-description", "invalid-topics")
_TIME = ("start-too-soon", "start-too-far")
_EXISTING = ("space-not-found", "not-host", "space-canceled", "space-started")

SCHEDULE_SPACE = ROUTES.command(
    "schedule_space",
    ScheduleSpace,
    ScheduledSpaceView,
    problems=("unauthenticated", "user-not-found", *_FIELDS, *_TIME, "too-many-upcoming", "busy"),
    description="Schedule a Space (the actor hosts it); the same command id finds its Space",
)
UPDATE_SCHEDULED_SPACE = ROUTES.command(
    "update_scheduled_space",
    UpdateScheduledSpace,
    ScheduledSpaceView,
    problems=("unauthenticated", *_FIELDS, *_TIME, *_EXISTING, "busy"),
    description="Edit the title, description, topics or time of a scheduled Space (host)",
)
CANCEL_SCHEDULED_SPACE = ROUTES.command(
    "cancel_scheduled_space",
    ScheduledSpaceRef,
    ScheduledSpaceView,
    problems=("unauthenticated", "space-not-found", "not-host", "space-started", "busy"),
    description="Cancel a scheduled Space (host; canceling it again changes nothing)",
)
SET_REMINDER = ROUTES.command(
    "set_reminder",
    ScheduledSpaceRef,
    ScheduledSpaceView,
    problems=(
        "unauthenticated",
        "user-not-found",
        "space-not-found",
        "space-canceled",
        "space-started",
    ),
    description="Be told when the Space starts (setting it again changes nothing)",
)
CLEAR_REMINDER = ROUTES.command(
    "clear_reminder",
    ScheduledSpaceRef,
    ScheduledSpaceView,
    problems=("unauthenticated", "user-not-found", "space-not-found"),
    description="No longer be told when the Space starts (clearing it again changes nothing)",
)
GET_SCHEDULED_SPACE = ROUTES.query(
    "get_scheduled_space",
    ScheduledSpaceRef,
    ScheduledSpaceView,
    problems=("space-not-found",),
    description="A scheduled (or canceled, or started) Space as scheduling knows it",
)
LIST_SCHEDULED_SPACES = ROUTES.query(
    "list_scheduled_spaces",
    ListScheduledSpaces,
    ScheduledSpacePage,
    description="Upcoming Spaces, soonest first: everyone's, or one host's",
)
