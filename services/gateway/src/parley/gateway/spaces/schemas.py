"""Request parameters and bodies of the Spaces API (the public contract, in the OpenAPI file).

They only fix shapes; the rules (title length, topics, who may do what, state transitions) are
room's (or, for a scheduled Space, scheduling's), which answers a 422, 403 or 409 naming the
rule. Responses are room's views from ``parley.contracts.api.room``. The Space (and the user
or pin it acts on) comes from the path.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypeAlias

from litestar.params import PathParameter, QueryParameter
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter

from parley.contracts.events.room import SpeakPolicy, StageRole

SpaceId: TypeAlias = Annotated[str, PathParameter(max_length=100, description="The Space's id")]
UserId: TypeAlias = Annotated[
    str, PathParameter(max_length=100, description="The user's id (not their handle)")
]
PinId: TypeAlias = Annotated[str, PathParameter(max_length=100, description="The pin's id")]

StateFilter: TypeAlias = Annotated[
    Literal["live", "scheduled"],
    QueryParameter(
        name="state",  # "state" itself is a name Litestar reserves for handler parameters
        description="live: ranked by trending; scheduled: upcoming, soonest first",
    ),
]
TopicFilter: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=100, description="Only Spaces with this topic")
]
SearchText: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=200, description="Search titles and topics")
]
FollowingOnly: TypeAlias = Annotated[
    bool,
    QueryParameter(
        description="Only Spaces whose host or a stage member the caller follows (needs a token)"
    ),
]
SpacesPageSize: TypeAlias = Annotated[int, QueryParameter(ge=1, le=100, description="Page size")]
ListenersPageSize: TypeAlias = Annotated[
    int, QueryParameter(ge=1, le=100, description="Listeners per page")
]
ListenersCursor: TypeAlias = Annotated[
    str | None,
    QueryParameter(max_length=200, description="next_cursor of the previous page (opaque)"),
]


def _datetime_from_text(value: object) -> object:
    """Bodies are validated strictly (a bool is ``true``, never ``0``), and JSON has no
    datetimes: a date-time is read from its text, and only from text."""
    return _DATETIME.validate_python(value) if isinstance(value, str) else value


_DATETIME = TypeAdapter(datetime)
DateTimeText: TypeAlias = Annotated[datetime, BeforeValidator(_datetime_from_text)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateSpaceBody(_Body):
    title: str = Field(max_length=1000, description="1-70 characters", examples=["Ask me anything"])
    description: str = Field(default="", max_length=5000, description="Up to 280 characters")
    topics: list[str] = Field(default_factory=list, max_length=50, description="Up to 3 topics")
    speak_policy: SpeakPolicy = Field(
        default="everyone",
        description="Who may request to speak: everyone, accounts the host follows, or nobody "
        "(invited: the host invites)",
    )
    recording: bool = Field(default=False, description="Record the stage (fixed once live)")
    clipping: bool = Field(default=True, description="Let people clip a recorded Space")
    captions: bool = Field(default=False, description="Live captions")
    max_listeners: int | None = Field(default=None, ge=1, description="Optional listener cap")
    scheduled_start: DateTimeText | None = Field(
        default=None,
        description="Schedule it (RFC 3339; without a zone: UTC), at least 15 minutes and at "
        "most 30 days ahead (config); absent: created now, started by the host",
    )


class UpdateSpaceBody(_Body):
    title: str | None = Field(default=None, max_length=1000, description="Absent: unchanged")
    description: str | None = Field(default=None, max_length=5000, description="Not once live")
    topics: list[str] | None = Field(default=None, max_length=50, description="Not once live")
    captions: bool | None = Field(default=None, description="Host or co-host, any time")
    clipping: bool | None = Field(default=None, description="Turning it off stops new clips")
    scheduled_start: DateTimeText | None = Field(
        default=None, description="A scheduled Space's new time (only before it starts)"
    )


class InvitationBody(_Body):
    user_id: str = Field(max_length=100, description="Who is invited (in the Space or not)")
    role: StageRole = Field(default="speaker", description="cohost: only the host may invite")


class MicBody(_Body):
    muted: bool


class RemovalReport(_Body):
    reason: str = Field(max_length=100, description="Report reason category")
    text: str | None = Field(default=None, max_length=2000)


class RemovalBody(_Body):
    block: bool = Field(default=False, description="Also block them (block and remove)")
    report: RemovalReport | None = Field(
        default=None, description="Also file a report (report and remove)"
    )


class ReactionBody(_Body):
    emoji: str = Field(max_length=32, description="One of the configured reaction emoji")


class PinBody(_Body):
    url: str = Field(max_length=4000, description="The post's URL")
    text: str | None = Field(default=None, max_length=1000)
