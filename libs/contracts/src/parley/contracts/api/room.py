"""Room's request/reply contract (context ``room``). The acting user is the ``Parley-Actor``
header; "actor" below means it is required (401 ``unauthenticated`` without it).

Commands (``cmd.room.<name>``):
    create_space(CreateSpace) -> SpaceView                      actor becomes the host
    update_space(UpdateSpace) -> SpaceView                      host (co-host: captions only)
    start_space / end_space(SpaceRef) -> SpaceView              host (start: also a scheduled copy)
    join_space(SpaceRef) -> JoinResult                          actor
    leave_space(SpaceRef) -> SpaceView                          actor
    request_to_speak / withdraw_speaker_request(SpaceRef) -> SpaceView    listener
    accept_speaker_request / decline_speaker_request(SpaceUser) -> SpaceView    host, co-host
    invite_to_stage(InviteToStage) -> SpaceView                 host, co-host (cohost role: host)
    accept_invitation / decline_invitation(SpaceRef) -> SpaceView         the invitee
    set_my_mic(SetMyMic) -> SpaceView                           stage member
    mute_speaker(SpaceUser) -> SpaceView                        host, co-host
    mute_all(SpaceRef) -> SpaceView                             host, co-host
    move_to_audience(SpaceUser) -> SpaceView                    host, co-host, or self (step down)
    remove_participant(RemoveParticipant) -> SpaceView          host, co-host
    react(React) -> ReactionAccepted                            participant of a live Space
    pin_post(PinPost) -> SpaceView                              stage member
    unpin_post(UnpinPost) -> SpaceView                          host, co-host, or who pinned it
    host_presence(HostPresence) -> SpaceView                    the host (sent by the gateway)
    mark_notifications_read(MarkNotificationsRead) -> NotificationsRead    actor

Queries (``qry.room.<name>``):
    get_space(SpaceRef) -> SpaceView                            actor optional
    list_spaces(ListSpaces) -> SpacePage                        actor optional (following: actor)
    get_space_analytics(SpaceRef) -> SpaceAnalytics             host
    list_notifications(ListNotifications) -> NotificationPage   actor
    list_listeners(ListListeners) -> ListenerPage               actor optional (followed first)
    my_role(SpaceRef) -> MyRole                                 actor (cheap check for media/ws)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.events.room import SpaceSettings, SpeakPolicy, StageRole
from parley.contracts.live import AudienceMember
from parley.contracts.routes import Routes

CONTEXT = "room"

SpaceState = Literal["scheduled", "created", "live", "ended", "canceled"]
Role = Literal["host", "cohost", "speaker", "listener", "removed", "none"]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SpaceRef(_Payload):
    space_id: str = Field(max_length=100)


class SpaceUser(_Payload):
    space_id: str = Field(max_length=100)
    user_id: str = Field(max_length=100)


class CreateSpace(_Payload):
    title: str = Field(max_length=1000)
    description: str = Field(default="", max_length=5000)
    topics: list[str] = Field(default_factory=list, max_length=50)
    speak_policy: SpeakPolicy = "everyone"
    recording: bool = False
    clipping: bool = True
    captions: bool = False
    max_listeners: int | None = Field(default=None, ge=1)


class UpdateSpace(_Payload):
    space_id: str = Field(max_length=100)
    title: str | None = Field(default=None, max_length=1000)
    description: str | None = Field(default=None, max_length=5000)
    topics: list[str] | None = Field(default=None, max_length=50)
    captions: bool | None = None
    clipping: bool | None = None


class InviteToStage(_Payload):
    space_id: str = Field(max_length=100)
    user_id: str = Field(max_length=100)
    role: StageRole = "speaker"


class SetMyMic(_Payload):
    space_id: str = Field(max_length=100)
    muted: bool


class RemoveReport(_Payload):
    reason: str = Field(max_length=100)
    text: str | None = Field(default=None, max_length=2000)


class RemoveParticipant(_Payload):
    space_id: str = Field(max_length=100)
    user_id: str = Field(max_length=100)
    block: bool = False
    report: RemoveReport | None = None


class React(_Payload):
    space_id: str = Field(max_length=100)
    emoji: str = Field(max_length=32)


class PinPost(_Payload):
    space_id: str = Field(max_length=100)
    url: str = Field(max_length=4000)
    text: str | None = Field(default=None, max_length=1000)


class UnpinPost(_Payload):
    space_id: str = Field(max_length=100)
    pin_id: str = Field(max_length=100)


class HostPresence(_Payload):
    space_id: str = Field(max_length=100)
    connected: bool


class ListSpaces(_Payload):
    state: Literal["live", "scheduled"] = "live"
    topic: str | None = Field(default=None, max_length=100)
    q: str | None = Field(default=None, max_length=200)
    following: bool = False
    limit: int = Field(default=50, ge=1, le=100)


class ListNotifications(_Payload):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200)


class ListListeners(_Payload):
    """A page of a Space's audience: the people the caller follows first, then everyone else,
    each part in the order they joined the Space."""

    space_id: str = Field(max_length=100)
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )


class MarkNotificationsRead(_Payload):
    """Everything, or up to and including one notification."""

    up_to_id: str | None = Field(default=None, max_length=250)


# -- results -------------------------------------------------------------------------------


class NotificationsRead(BaseModel):
    unread: int = Field(description="Unread notifications left")


class StageMember(BaseModel):
    user_id: str
    handle: str
    display_name: str = ""
    muted: bool = True
    speaking: bool = False


class Pin(BaseModel):
    pin_id: str
    url: str
    text: str = ""
    pinned_by: str


class SpeakerRequestView(BaseModel):
    user_id: str
    handle: str
    display_name: str = ""


class InvitationView(BaseModel):
    user_id: str
    role: StageRole


class SpaceView(BaseModel):
    id: str
    title: str
    description: str = ""
    topics: list[str] = Field(default_factory=list)
    state: SpaceState
    host: StageMember
    cohosts: list[StageMember] = Field(default_factory=list)
    speakers: list[StageMember] = Field(default_factory=list)
    listener_count: int = Field(
        default=0,
        description="The audience: everyone in the Space now who is not on stage (the host, "
        "co-hosts and speakers are not counted)",
    )
    settings: SpaceSettings
    pins: list[Pin] = Field(default_factory=list)
    recording_state: Literal["off", "recording", "processing", "ready", "deleted"] = "off"
    share_url: str
    scheduled_start: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    host_connected: bool = True
    reminder_count: int = Field(
        default=0, description="How many people set a reminder for this scheduled Space"
    )
    reminded: bool = Field(default=False, description="The caller set a reminder for it")
    my_role: Role = "none"
    my_speaker_request: Literal["none", "pending"] = "none"
    my_invitation: StageRole | None = None
    speaker_requests: list[SpeakerRequestView] = Field(
        default_factory=list, description="The pending request queue (host and co-hosts only)"
    )
    invitations: list[InvitationView] = Field(
        default_factory=list, description="Pending invitations (host and co-hosts only)"
    )
    version: int = Field(default=0, description="Stream sequence this view reflects")
    speaking: list[str] = Field(
        default_factory=list,
        description="Stage members speaking right now, loudest first (filled in by the gateway "
        "from the media relay; room itself does not know)",
    )


class JoinResult(BaseModel):
    role: Role
    space: SpaceView


class ReactionAccepted(BaseModel):
    accepted: bool = True
    emoji: str


class SpaceSummary(BaseModel):
    id: str
    title: str
    topics: list[str] = Field(default_factory=list)
    state: SpaceState
    host: StageMember
    listener_count: int = Field(default=0, description="The audience: in the Space, not on stage")
    speaker_count: int = 0
    scheduled_start: datetime | None = None
    started_at: datetime | None = None
    share_url: str
    trending_score: float = 0.0
    reminder_count: int = Field(
        default=0, description="How many people set a reminder for this scheduled Space"
    )
    reminded: bool = Field(default=False, description="The caller set a reminder for it")


class Listener(AudienceMember):
    """Someone in the audience, as the caller sees them."""

    followed: bool = Field(default=False, description="The caller follows them")


class ListenerPage(BaseModel):
    items: list[Listener] = Field(
        description="People the caller follows first, then the others; each part oldest first"
    )
    next_cursor: str | None = Field(default=None, description="The next page; null: no more")
    count: int = Field(default=0, description="The whole audience now: the Space's listener_count")


class SpacePage(BaseModel):
    items: list[SpaceSummary]


class SpaceAnalytics(BaseModel):
    space_id: str
    unique_listeners: int
    peak_concurrent: int
    average_listening_s: float
    speakers: int
    reactions: int
    replay_plays: int = Field(
        default=0, description="Counted plays of its recording (once per listener per window)"
    )
    clips: int = Field(default=0, description="Clips made of it, live or from the replay")


NotificationKind = Literal[
    "speaker_request",
    "stage_invitation",
    "request_accepted",
    "request_declined",
    "followed_went_live",
    "removed",
    "reminder",
    "scheduled_starts_soon",
    "scheduled_live",
    "scheduled_canceled",
    "recording_ready",
]
"""``reminder``: a scheduled Space's time came (to the host and everyone reminded);
``scheduled_starts_soon``: to the host, ``data.before_s`` ahead of it; ``scheduled_live``: it
started (to everyone reminded); ``scheduled_canceled``: canceled because it did not start in
time (to everyone reminded); ``recording_ready``: its recording can be played (to the host and
everyone who was on its stage; ``space_id`` is the Space, its replay)."""


class Notification(BaseModel):
    id: str
    kind: NotificationKind
    space_id: str | None = None
    actor_id: str | None = Field(default=None, description="Who caused it, if someone")
    actor_handle: str | None = None
    text: str = Field(description="Human-readable summary")
    data: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    read: bool = False


class NotificationPage(BaseModel):
    items: list[Notification]
    next_cursor: str | None = None
    unread: int = 0


class MyRole(BaseModel):
    space_id: str
    state: SpaceState
    role: Role
    muted: bool = True


# -- routes ------------------------------------------------------------------------------------

ROUTES = Routes(CONTEXT)

# Problems many routes share: not signed in (or an actor id no user can have), the Space named,
# a suspended actor, and a command whose Space stayed contended through every retry.
_SIGNED_IN = ("unauthenticated", "user-not-found")
_SPACE = ("space-not-found", "space-ended")
_ACTIVE = ("account-suspended",)
_BUSY = ("busy",)
_MANAGES = ("host-or-cohost-only",)
_ON_STAGE = ("not-on-stage",)
_ACT_ON = ("cannot-act-on-host", "cannot-act-on-cohost", "host-or-cohost-only")
_MAY_GO_ON_STAGE = ("removed-from-space", "blocked-by-host", "user-suspended")
_TEXTS = ("invalid-title", "invalid-description", "invalid-topics")

CREATE_SPACE = ROUTES.command(
    "create_space",
    CreateSpace,
    SpaceView,
    problems=(*_SIGNED_IN, *_ACTIVE, *_TEXTS, *_BUSY),
    description="The actor opens a Space (created, or scheduled with a start time) and hosts it",
)
UPDATE_SPACE = ROUTES.command(
    "update_space",
    UpdateSpace,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        *_MANAGES,
        "host-only",
        *_TEXTS,
        "only-title-while-live",
        *_BUSY,
    ),
    description="Title, description, topics (only the title once live), captions (host or "
    "co-host), clipping (host)",
)
START_SPACE = ROUTES.command(
    "start_space",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, "space-canceled", *_ACTIVE, "host-only", *_BUSY),
    description="The host starts the Space (created, or scheduled: same id): it goes live",
)
END_SPACE = ROUTES.command(
    "end_space",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, "host-only", *_BUSY),
    description="The host ends the Space; everyone is gone with it",
)
JOIN_SPACE = ROUTES.command(
    "join_space",
    SpaceRef,
    JoinResult,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        "removed-from-space",
        "blocked-by-host",
        "space-not-live",
        "space-full",
        *_BUSY,
    ),
    description="The actor enters a live Space (a listener unless on stage; the host is back)",
)
LEAVE_SPACE = ROUTES.command(
    "leave_space",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_BUSY),
    description="The actor leaves (stepping down first); the host leaving is the host away",
)
REQUEST_TO_SPEAK = ROUTES.command(
    "request_to_speak",
    SpaceRef,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        "removed-from-space",
        "blocked-by-host",
        "not-a-listener",
        "space-not-live",
        "speaking-not-allowed",
        *_BUSY,
    ),
    description="A listener asks to speak (as the Space's speak policy allows)",
)
WITHDRAW_SPEAKER_REQUEST = ROUTES.command(
    "withdraw_speaker_request",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_BUSY),
    description="A listener takes their request to speak back",
)
ACCEPT_SPEAKER_REQUEST = ROUTES.command(
    "accept_speaker_request",
    SpaceUser,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        *_MANAGES,
        "space-not-live",
        "no-speaker-request",
        *_MAY_GO_ON_STAGE,
        "stage-full",
        *_BUSY,
    ),
    description="The host or a co-host brings a requester on stage as a speaker",
)
DECLINE_SPEAKER_REQUEST = ROUTES.command(
    "decline_speaker_request",
    SpaceUser,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_MANAGES, *_BUSY),
    description="The host or a co-host declines a request to speak",
)
INVITE_TO_STAGE = ROUTES.command(
    "invite_to_stage",
    InviteToStage,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        *_MANAGES,
        "host-only",
        "space-not-live",
        "cannot-invite-self",
        *_MAY_GO_ON_STAGE,
        "already-on-stage",
        "already-cohost",
        "stage-full",
        "cohosts-full",
        *_BUSY,
    ),
    description="The host or a co-host invites someone to speak (only the host: to co-host)",
)
ACCEPT_INVITATION = ROUTES.command(
    "accept_invitation",
    SpaceRef,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        "removed-from-space",
        "blocked-by-host",
        "no-invitation",
        "space-not-live",
        "already-on-stage",
        "already-cohost",
        "stage-full",
        "cohosts-full",
        *_BUSY,
    ),
    description="The invitee goes on stage (joining the Space if they were not in it)",
)
DECLINE_INVITATION = ROUTES.command(
    "decline_invitation",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_BUSY),
    description="The invitee declines their invitation to the stage",
)
SET_MY_MIC = ROUTES.command(
    "set_my_mic",
    SetMyMic,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_ON_STAGE, "space-not-live", *_BUSY),
    description="A stage member mutes or unmutes themselves",
)
MUTE_SPEAKER = ROUTES.command(
    "mute_speaker",
    SpaceUser,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_ACT_ON, "user-not-on-stage", *_BUSY),
    description="The host or a co-host mutes someone on stage",
)
MUTE_ALL = ROUTES.command(
    "mute_all",
    SpaceRef,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_MANAGES, *_BUSY),
    description="The host or a co-host mutes every co-host and speaker but themselves",
)
MOVE_TO_AUDIENCE = ROUTES.command(
    "move_to_audience",
    SpaceUser,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, *_ACT_ON, *_ON_STAGE, "user-not-on-stage", *_BUSY),
    description="The host or a co-host moves someone off stage; a stage member steps down",
)
REMOVE_PARTICIPANT = ROUTES.command(
    "remove_participant",
    RemoveParticipant,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        *_ACT_ON,
        "cannot-remove-self",
        "not-a-participant",
        *_BUSY,
    ),
    description="The host or a co-host removes someone (optionally blocking or reporting them)",
)
REACT = ROUTES.command(
    "react",
    React,
    ReactionAccepted,
    problems=(
        "unauthenticated",
        "unknown-emoji",
        "reaction-rate-limited",
        "space-not-found",
        "space-not-live",
        "not-in-space",
    ),
    description="A participant of a live Space sends one of the reaction emoji",
)
PIN_POST = ROUTES.command(
    "pin_post",
    PinPost,
    SpaceView,
    problems=(
        *_SIGNED_IN,
        *_SPACE,
        *_ACTIVE,
        *_ON_STAGE,
        "space-not-live",
        "invalid-url",
        "invalid-pin-text",
        "pins-full",
        *_BUSY,
    ),
    description="A stage member pins a post (a URL) to the Space",
)
UNPIN_POST = ROUTES.command(
    "unpin_post",
    UnpinPost,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, "pin-not-found", "not-your-pin", *_BUSY),
    description="The host, a co-host or whoever pinned it unpins a post",
)
HOST_PRESENCE = ROUTES.command(
    "host_presence",
    HostPresence,
    SpaceView,
    problems=(*_SIGNED_IN, *_SPACE, *_ACTIVE, "host-only", *_BUSY),
    description="The gateway reports the host's connection: a drop starts the grace period",
)
MARK_NOTIFICATIONS_READ = ROUTES.command(
    "mark_notifications_read",
    MarkNotificationsRead,
    NotificationsRead,
    problems=("unauthenticated", "notification-not-found"),
    description="The actor's notifications are read: all, or up to and including one",
)
GET_SPACE = ROUTES.query(
    "get_space",
    SpaceRef,
    SpaceView,
    problems=("space-not-found",),
    description="The Space as the caller (or an anonymous visitor) sees it, strongly consistent",
)
LIST_SPACES = ROUTES.query(
    "list_spaces",
    ListSpaces,
    SpacePage,
    problems=("unauthenticated",),
    description="Live Spaces by trending, or upcoming ones; by topic, text, people I follow",
)
GET_SPACE_ANALYTICS = ROUTES.query(
    "get_space_analytics",
    SpaceRef,
    SpaceAnalytics,
    problems=("unauthenticated", "space-not-found", "not-host"),
    description="The host's numbers for one of their Spaces",
)
LIST_NOTIFICATIONS = ROUTES.query(
    "list_notifications",
    ListNotifications,
    NotificationPage,
    problems=("unauthenticated", "invalid-cursor"),
    description="The actor's notifications, newest first, a page at a time, with the unread count",
)
LIST_LISTENERS = ROUTES.query(
    "list_listeners",
    ListListeners,
    ListenerPage,
    problems=("space-not-found", "invalid-cursor"),
    description="Who is in a Space's audience now (not on stage), people the caller follows "
    "first, a page at a time",
)
MY_ROLE = ROUTES.query(
    "my_role",
    SpaceRef,
    MyRole,
    problems=(*_SIGNED_IN, "space-not-found"),
    description="The caller's role and mic in a Space (cheap: for media and live sockets)",
)
