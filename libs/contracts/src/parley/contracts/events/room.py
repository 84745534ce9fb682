"""[room] events. Stream ``ROOM``, subjects ``room.<aggregate_id>.<event>``.

Two kinds of aggregate:

- the **Space** (id ``sp_…``): lifecycle, settings, stage (host, co-hosts, speakers, mics),
  speaker requests, invitations, removals, pins, host connection;
- a **membership** (id ``<space_id>~<user_id>``): one user's presence in one Space as a
  listener (``ListenerJoined`` / ``ParticipantLeft``). Keeping listeners out of the Space
  aggregate lets thousands join without contending with stage changes or with each other.

``by`` fields name the acting user; ``None`` means the system (a timer, a moderation policy).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from parley.contracts.registry import DomainEvent

CONTEXT = "room"

SpeakPolicy = Literal["everyone", "followed", "invited"]
StageRole = Literal["speaker", "cohost"]
EndReason = Literal["host_ended", "host_timeout", "host_suspended", "moderator"]
LeaveReason = Literal["left", "removed", "space_ended", "suspended"]


def membership_id(space_id: str, user_id: str) -> str:
    """Aggregate id of one user's membership in one Space."""
    return f"{space_id}~{user_id}"


class SpaceSettings(BaseModel):
    speak_policy: SpeakPolicy = Field(
        default="everyone",
        description="Who may request to speak: everyone, accounts the host follows, or nobody "
        "(invited: the host invites)",
    )
    recording: bool = Field(default=False, description="Stage audio is recorded (fixed once live)")
    clipping: bool = Field(default=True, description="Anyone in a recorded Space may clip")
    captions: bool = Field(default=False, description="Live captions are produced")
    max_listeners: int | None = Field(default=None, description="Optional cap on listeners")


class SpaceCreated(DomainEvent, context=CONTEXT, version=1):
    """A host created a Space; it is ``created`` (host preparing, mic off) until started."""

    space_id: str
    host_id: str
    title: str = Field(description="1-70 characters")
    description: str = Field(default="", description="At most 280 characters")
    topics: list[str] = Field(default_factory=list, description="At most 3 topics")
    settings: SpaceSettings = Field(default_factory=SpaceSettings)
    scheduled_start: str | None = Field(
        default=None, description="RFC 3339 time, for Spaces created from a schedule"
    )
    scheduling_seq: int | None = Field(
        default=None,
        description="Room's copy of a Space scheduling holds (ADR 20): the SCHEDULING stream "
        "sequence of the SpaceScheduled it copies",
    )


class SpaceStarted(DomainEvent, context=CONTEXT, version=1):
    """The host started the Space: it is live. The host is on stage with the mic off."""

    space_id: str
    host_id: str
    started_at: datetime | None = Field(
        default=None, description="When it went live (the Space's own record of it)"
    )


class SpaceUpdated(DomainEvent, context=CONTEXT, version=1):
    """Title, description or topics changed (absent fields unchanged; only title once live);
    for a scheduled Space, also its time (copied from scheduling's ScheduledSpaceUpdated)."""

    space_id: str
    by: str
    title: str | None = None
    description: str | None = None
    topics: list[str] | None = None
    scheduled_start: datetime | None = Field(
        default=None, description="A scheduled Space's new time (UTC)"
    )
    scheduling_seq: int | None = Field(
        default=None,
        description="Copied from scheduling: the SCHEDULING stream sequence of the edit",
    )


class SpaceCanceled(DomainEvent, context=CONTEXT, version=1):
    """Room's copy of a scheduled Space ends as ``canceled``: scheduling canceled it (the host,
    or ``auto`` when it did not start in time). It can no longer be started."""

    space_id: str
    by: str | None = Field(default=None, description="The host; None when canceled automatically")
    reason: Literal["host", "auto"] = "host"
    scheduling_seq: int | None = Field(
        default=None, description="The SCHEDULING stream sequence of the cancel it copies"
    )


class ScheduledStartCame(DomainEvent, context=CONTEXT, version=1):
    """A scheduled Space's time came (scheduling's ScheduledStartDue): the host and everyone
    reminded are told. It stays ``scheduled`` until the host starts it."""

    space_id: str
    host_id: str
    scheduled_start: datetime


class HostReminderCame(DomainEvent, context=CONTEXT, version=1):
    """The host's reminder ``before_s`` before a scheduled Space's time (scheduling's
    ReminderDue): the host is told."""

    space_id: str
    host_id: str
    scheduled_start: datetime
    before_s: int = Field(description="How long before the start this reminder is")


class CaptionsToggled(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    by: str
    enabled: bool


class ClippingDisabled(DomainEvent, context=CONTEXT, version=1):
    """No new clips from now on."""

    space_id: str
    by: str


class ClippingEnabled(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    by: str


class SpaceEnded(DomainEvent, context=CONTEXT, version=1):
    """The Space is over: everyone is disconnected at once and recording is finalized."""

    space_id: str
    by: str | None = Field(description="The host, or None for a timer/moderation policy")
    reason: EndReason
    ended_at: datetime | None = Field(
        default=None, description="When it ended (the Space's own record of it)"
    )


class RecordingReadyNoted(DomainEvent, context=CONTEXT, version=1):
    """The Space's recording is ready to play (recording's RecordingFinalized), noted once per
    recording: the host and everyone who was on its stage are told."""

    space_id: str
    host_id: str
    stage: list[str] = Field(
        default_factory=list,
        description="Everyone other than the host who was ever on its stage (not removed)",
    )
    duration_ms: int = Field(description="The recording's playable duration")


class ListenerJoined(DomainEvent, context=CONTEXT, version=1):
    """On the membership aggregate: the user is in the Space (as a listener unless on stage)."""

    space_id: str
    user_id: str


class ParticipantLeft(DomainEvent, context=CONTEXT, version=1):
    """On the membership aggregate: the user is no longer in the Space."""

    space_id: str
    user_id: str
    reason: LeaveReason = "left"


class SpeakerRequested(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str


class SpeakerRequestWithdrawn(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str


class SpeakerRequestDeclined(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str
    by: str


class StageInvitationSent(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str
    role: StageRole
    by: str


class StageInvitationDeclined(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str
    role: StageRole


class SpeakerPromoted(DomainEvent, context=CONTEXT, version=1):
    """The user is a speaker now, mic muted (accepted request or accepted invitation)."""

    space_id: str
    user_id: str
    by: str | None = Field(description="Who accepted the request; None when an invitee accepted")
    via: Literal["request", "invitation"]


class CohostAdded(DomainEvent, context=CONTEXT, version=1):
    """The user accepted a co-host invitation (from listener or speaker); mic keeps its state,
    muted when new to the stage."""

    space_id: str
    user_id: str
    invited_by: str


class MovedToAudience(DomainEvent, context=CONTEXT, version=1):
    """A speaker or co-host left the stage (moved by host/co-host, stepped down, or left)."""

    space_id: str
    user_id: str
    by: str | None
    stepped_down: bool = Field(default=False, description="They left the stage themselves")


class SpeakerMuted(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    user_id: str
    by: str = Field(description="The speaker themselves, or the host/co-host who muted them")


class SpeakerUnmuted(DomainEvent, context=CONTEXT, version=1):
    """Only stage members unmute themselves."""

    space_id: str
    user_id: str


class ParticipantRemoved(DomainEvent, context=CONTEXT, version=1):
    """Removed and disconnected; cannot rejoin this Space. ``block``: the remover also blocks
    them (identity acts on it); ``report``: a report is filed (moderation acts on it)."""

    space_id: str
    user_id: str
    by: str | None
    block: bool = False
    report_reason: str | None = None
    report_text: str | None = None


class PostPinned(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    pin_id: str
    url: str
    text: str = ""
    by: str


class PostUnpinned(DomainEvent, context=CONTEXT, version=1):
    space_id: str
    pin_id: str
    by: str


class HostDisconnected(DomainEvent, context=CONTEXT, version=1):
    """The host's connection dropped; the Space continues and the seat is kept until
    ``grace_deadline`` (RFC 3339), when the Space ends unless the host is back."""

    space_id: str
    grace_deadline: str


class HostReconnected(DomainEvent, context=CONTEXT, version=1):
    space_id: str
