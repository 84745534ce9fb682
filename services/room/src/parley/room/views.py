"""What a viewer sees of a Space: the contract's ``SpaceView`` and ``MyRole``, rendered from
the Space's state, the handles of the people in it and the listener count. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from parley.contracts.api.room import (
    InvitationView,
    MyRole,
    Pin,
    SpaceView,
    SpeakerRequestView,
    StageMember,
)
from parley.contracts.events.room import SpaceSettings
from parley.room.domain.state import Invitation, Space

RecordingState = Literal["off", "recording", "processing", "ready", "deleted"]


@dataclass(frozen=True)
class UserCard:
    handle: str
    display_name: str = ""


UNKNOWN_USER = UserCard(handle="")


@dataclass(frozen=True)
class Viewer:
    """Who looks (``None``: anonymous) and whether they are in the Space."""

    user_id: str | None = None
    joined: bool = False


def share_url(public_url: str, space_id: str) -> str:
    return f"{public_url.rstrip('/')}/spaces/{space_id}"


def people_shown(space: Space) -> set[str]:
    """Every user whose handle a view of the Space shows."""
    return {
        space.host_id,
        *(seat.user_id for seat in (*space.cohosts, *space.speakers)),
        *space.requests,
    }


def stage_member(space: Space, user_id: str, users: Mapping[str, UserCard]) -> StageMember:
    card = users.get(user_id, UNKNOWN_USER)
    return StageMember(
        user_id=user_id,
        handle=card.handle,
        display_name=card.display_name,
        muted=space.is_muted(user_id),
    )


@dataclass(frozen=True)
class Stage:
    """Host, co-hosts and speakers, as the view and the ``stage.changed`` message carry them."""

    host: StageMember
    cohosts: list[StageMember]
    speakers: list[StageMember]


def stage(space: Space, users: Mapping[str, UserCard]) -> Stage:
    return Stage(
        host=stage_member(space, space.host_id, users),
        cohosts=[stage_member(space, seat.user_id, users) for seat in space.cohosts],
        speakers=[stage_member(space, seat.user_id, users) for seat in space.speakers],
    )


def speaker_requests(space: Space, users: Mapping[str, UserCard]) -> list[SpeakerRequestView]:
    return [
        SpeakerRequestView(
            user_id=user_id,
            handle=users.get(user_id, UNKNOWN_USER).handle,
            display_name=users.get(user_id, UNKNOWN_USER).display_name,
        )
        for user_id in space.requests
    ]


def pins(space: Space) -> list[Pin]:
    return [
        Pin(pin_id=pin.pin_id, url=pin.url, text=pin.text, pinned_by=pin.by) for pin in space.pins
    ]


def settings(space: Space) -> SpaceSettings:
    current = space.settings
    return SpaceSettings(
        speak_policy=current.speak_policy,
        recording=current.recording,
        clipping=current.clipping,
        captions=current.captions,
        max_listeners=current.max_listeners,
    )


def recording_state(space: Space) -> RecordingState:
    """What room knows: recording while live, then processing (the recording service owns
    what happens after the Space ends)."""
    if not space.settings.recording or space.phase in ("scheduled", "created", "canceled"):
        return "off"
    return "recording" if space.phase == "live" else "processing"


def render_space(
    space: Space,
    version: int,
    *,
    viewer: Viewer,
    users: Mapping[str, UserCard],
    listener_count: int,
    public_url: str,
    reminder_count: int = 0,
    reminded: bool = False,
) -> SpaceView:
    role = space.role_of(viewer.user_id, joined=viewer.joined)
    invitation = space.invitation_for(viewer.user_id) if viewer.user_id else None
    runs_stage = role in ("host", "cohost")
    on_stage = stage(space, users)
    return SpaceView(
        id=space.space_id,
        title=space.title,
        description=space.description,
        topics=list(space.topics),
        state=space.phase,
        host=on_stage.host,
        cohosts=on_stage.cohosts,
        speakers=on_stage.speakers,
        listener_count=listener_count,
        settings=settings(space),
        pins=pins(space),
        recording_state=recording_state(space),
        share_url=share_url(public_url, space.space_id),
        scheduled_start=space.scheduled_start,
        started_at=space.started_at,
        ended_at=space.ended_at,
        host_connected=space.host_connected,
        reminder_count=reminder_count,
        reminded=reminded and viewer.user_id is not None,
        my_role=role,
        my_speaker_request="pending" if _requested(space, viewer.user_id) else "none",
        my_invitation=invitation.role if invitation else None,
        speaker_requests=speaker_requests(space, users) if runs_stage else [],
        invitations=_invitations(space.invitations) if runs_stage else [],
        version=version,
    )


def _requested(space: Space, user_id: str | None) -> bool:
    return user_id is not None and space.has_requested(user_id)


def _invitations(invitations: Iterable[Invitation]) -> list[InvitationView]:
    return [InvitationView(user_id=item.user_id, role=item.role) for item in invitations]


def render_my_role(space: Space, viewer: Viewer) -> MyRole:
    role = space.role_of(viewer.user_id, joined=viewer.joined)
    muted = space.is_muted(viewer.user_id) if viewer.user_id else True
    return MyRole(space_id=space.space_id, state=space.phase, role=role, muted=muted)
