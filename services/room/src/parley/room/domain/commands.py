"""What callers ask of a Space or of a membership. Facts from elsewhere that a rule needs (is
the actor in the Space? does the host follow or block them? are they suspended?) are looked up
by the handler and carried in the command, so ``decide`` stays pure. Times too: ``now``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from parley.room.domain.state import Settings, Space, StageRole


@dataclass(frozen=True)
class Actor:
    """The user acting, as seen from the Space's side."""

    user_id: str
    joined: bool = False
    suspended: bool = False
    blocked_by_host: bool = False
    followed_by_host: bool = False


@dataclass(frozen=True)
class Target:
    """Another user the actor acts on."""

    user_id: str
    known: bool = True
    joined: bool = False
    suspended: bool = False
    blocked_by_host: bool = False


# -- the Space: lifecycle ---------------------------------------------------------------------


@dataclass(frozen=True)
class CreateSpace:
    space_id: str
    host: Actor
    title: str
    now: datetime
    description: str = ""
    topics: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class UpdateSpace:
    actor: Actor
    title: str | None = None
    description: str | None = None
    topics: tuple[str, ...] | None = None
    captions: bool | None = None
    clipping: bool | None = None


@dataclass(frozen=True)
class StartSpace:
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class EndSpace:
    actor: Actor
    now: datetime


@dataclass(frozen=True)
class EndByPolicy:
    """The system ends the Space: its host was suspended, or a moderator ended it."""

    reason: Literal["host_suspended", "moderator"]
    now: datetime
    by: str | None = None


@dataclass(frozen=True)
class SetHostPresence:
    """The host's connection dropped or came back; a drop starts the grace period."""

    actor: Actor
    connected: bool
    now: datetime
    grace_s: float


@dataclass(frozen=True)
class EndIfHostStillAway:
    """The host-grace timer: ends the Space only if the host is still away since the
    disconnection that set ``deadline``, so a late or repeated timer fires once at most."""

    deadline: datetime
    now: datetime


# -- the Space: room's copy of a scheduled Space (ADR 20) --------------------------------------
# ``seq``: the SCHEDULING stream sequence of the event of scheduling's copied.


@dataclass(frozen=True)
class CopyScheduledSpace:
    space_id: str
    host_id: str
    title: str
    scheduled_start: datetime
    seq: int
    description: str = ""
    topics: tuple[str, ...] = ()
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True)
class CopyScheduledEdit:
    by: str
    seq: int
    title: str | None = None
    description: str | None = None
    topics: tuple[str, ...] | None = None
    scheduled_start: datetime | None = None


@dataclass(frozen=True)
class CopyScheduledCancel:
    reason: Literal["host", "auto"]
    seq: int
    by: str | None = None


@dataclass(frozen=True)
class NoteScheduledTime:
    """A timer of scheduling's came due: the start (``before_s`` None) or one of the host's
    reminders ``before_s`` ahead of it."""

    host_id: str
    scheduled_start: datetime
    before_s: int | None = None


# -- the Space: its recording ----------------------------------------------------------------


@dataclass(frozen=True)
class NoteRecordingReady:
    """Recording's RecordingFinalized: the Space's recording can be played."""

    duration_ms: int


# -- the Space: stage -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestToSpeak:
    actor: Actor


@dataclass(frozen=True)
class WithdrawSpeakerRequest:
    actor: Actor


@dataclass(frozen=True)
class AcceptSpeakerRequest:
    actor: Actor
    target: Target


@dataclass(frozen=True)
class DeclineSpeakerRequest:
    actor: Actor
    user_id: str


@dataclass(frozen=True)
class InviteToStage:
    actor: Actor
    target: Target
    role: StageRole


@dataclass(frozen=True)
class AcceptInvitation:
    actor: Actor


@dataclass(frozen=True)
class DeclineInvitation:
    actor: Actor


@dataclass(frozen=True)
class SetMyMic:
    actor: Actor
    muted: bool


@dataclass(frozen=True)
class MuteSpeaker:
    actor: Actor
    user_id: str


@dataclass(frozen=True)
class MuteAll:
    actor: Actor


@dataclass(frozen=True)
class MoveToAudience:
    """``user_id`` == the actor: they step down themselves."""

    actor: Actor
    user_id: str


@dataclass(frozen=True)
class RemoveParticipant:
    actor: Actor
    target: Target
    block: bool = False
    report_reason: str | None = None
    report_text: str | None = None


@dataclass(frozen=True)
class LeaveSpace:
    """The Space's side of a user leaving: off the stage, request withdrawn; for the host, a
    disconnection (the Space goes on and the seat is kept for the grace period)."""

    actor: Actor
    now: datetime
    grace_s: float


@dataclass(frozen=True)
class DropSuspendedUser:
    """The Space's side of a suspension: off the stage, no request, no invitation."""

    user_id: str


# -- the Space: pins --------------------------------------------------------------------------


@dataclass(frozen=True)
class PinPost:
    actor: Actor
    pin_id: str
    url: str
    text: str | None = None


@dataclass(frozen=True)
class UnpinPost:
    actor: Actor
    pin_id: str


SpaceCommand = (
    CreateSpace
    | UpdateSpace
    | StartSpace
    | EndSpace
    | EndByPolicy
    | SetHostPresence
    | EndIfHostStillAway
    | CopyScheduledSpace
    | CopyScheduledEdit
    | CopyScheduledCancel
    | NoteScheduledTime
    | NoteRecordingReady
    | RequestToSpeak
    | WithdrawSpeakerRequest
    | AcceptSpeakerRequest
    | DeclineSpeakerRequest
    | InviteToStage
    | AcceptInvitation
    | DeclineInvitation
    | SetMyMic
    | MuteSpeaker
    | MuteAll
    | MoveToAudience
    | RemoveParticipant
    | LeaveSpace
    | DropSuspendedUser
    | PinPost
    | UnpinPost
)


# -- one user's membership in one Space -------------------------------------------------------


@dataclass(frozen=True)
class Join:
    """``space`` is the Space as the handler loaded it; ``invited``: joining to go on stage
    (accepting an invitation), which the listener cap does not limit."""

    joiner: Actor
    space: Space | None
    listener_count: int = 0
    invited: bool = False


@dataclass(frozen=True)
class Leave:
    space_id: str
    user_id: str
    reason: Literal["left", "removed", "space_ended", "suspended"] = "left"


MembershipCommand = Join | Leave
