"""``evolve(state, event) -> state``: how each event changes a Space or a membership."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from parley.contracts.events.room import (
    CaptionsToggled,
    ClippingDisabled,
    ClippingEnabled,
    CohostAdded,
    HostDisconnected,
    HostReconnected,
    HostReminderCame,
    ListenerJoined,
    MovedToAudience,
    ParticipantLeft,
    ParticipantRemoved,
    PostPinned,
    PostUnpinned,
    RecordingReadyNoted,
    ScheduledStartCame,
    SpaceCanceled,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpaceUpdated,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerRequestDeclined,
    SpeakerRequested,
    SpeakerRequestWithdrawn,
    SpeakerUnmuted,
    StageInvitationDeclined,
    StageInvitationSent,
)
from parley.contracts.registry import DomainEvent
from parley.room.domain.state import (
    JOINED,
    NOT_JOINED,
    Invitation,
    Membership,
    PinnedPost,
    Seat,
    Settings,
    Space,
    SpaceState,
)


class CorruptHistory(RuntimeError):
    """A stream that no sequence of decisions could have produced."""


def parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def evolve(state: SpaceState, event: DomainEvent) -> SpaceState:
    if isinstance(event, SpaceCreated):
        return _created(event)
    if state is None:
        raise CorruptHistory(f"{event.event_type()} before SpaceCreated")
    return _evolve_space(state, event)


def _created(event: SpaceCreated) -> Space:
    settings = event.settings
    return Space(
        space_id=event.space_id,
        host_id=event.host_id,
        title=event.title,
        description=event.description,
        topics=tuple(event.topics),
        settings=Settings(
            speak_policy=settings.speak_policy,
            recording=settings.recording,
            clipping=settings.clipping,
            captions=settings.captions,
            max_listeners=settings.max_listeners,
        ),
        phase="scheduled" if event.scheduled_start else "created",
        scheduled_start=parse_time(event.scheduled_start),
        copied_seq=event.scheduling_seq,
    )


def _evolve_space(space: Space, event: DomainEvent) -> Space:
    match event:
        case SpaceStarted(started_at=started_at):
            return replace(space, phase="live", started_at=started_at)
        case SpaceUpdated() as updated:
            return _updated(space, updated)
        case SpaceCanceled():
            return replace(space, phase="canceled", grace_deadline=None)
        case ScheduledStartCame(scheduled_start=start):
            return replace(space, noted=space.noted | {(start, None)})
        case HostReminderCame(scheduled_start=start, before_s=before_s):
            return replace(space, noted=space.noted | {(start, before_s)})
        case CaptionsToggled(enabled=enabled):
            return replace(space, settings=replace(space.settings, captions=enabled))
        case ClippingDisabled():
            return replace(space, settings=replace(space.settings, clipping=False))
        case ClippingEnabled():
            return replace(space, settings=replace(space.settings, clipping=True))
        case SpaceEnded(reason=reason, ended_at=ended_at):
            return replace(
                space, phase="ended", end_reason=reason, ended_at=ended_at, grace_deadline=None
            )
        case SpeakerRequested(user_id=user_id):
            return replace(space.without_request(user_id), requests=(*space.requests, user_id))
        case SpeakerRequestWithdrawn(user_id=user_id) | SpeakerRequestDeclined(user_id=user_id):
            return space.without_request(user_id)
        case StageInvitationSent(user_id=user_id, role=role, by=by):
            invitation = Invitation(user_id=user_id, role=role, by=by)
            invited = space.without_invitation(user_id)
            return replace(invited, invitations=(*invited.invitations, invitation))
        case StageInvitationDeclined(user_id=user_id):
            return space.without_invitation(user_id)
        case SpeakerPromoted(user_id=user_id):
            promoted = space.without_request(user_id).without_invitation(user_id).off_stage(user_id)
            return replace(
                promoted,
                speakers=(*promoted.speakers, Seat(user_id, muted=True)),
                been_on_stage=space.been_on_stage | {user_id},
            )
        case CohostAdded(user_id=user_id):
            seat = Seat(user_id, muted=space.is_muted(user_id))
            added = space.without_request(user_id).without_invitation(user_id).off_stage(user_id)
            return replace(
                added,
                cohosts=(*added.cohosts, seat),
                been_on_stage=space.been_on_stage | {user_id},
            )
        case RecordingReadyNoted():
            return replace(space, recording_ready_noted=True)
        case MovedToAudience(user_id=user_id):
            return space.off_stage(user_id)
        case SpeakerMuted(user_id=user_id):
            return space.with_mic(user_id, muted=True)
        case SpeakerUnmuted(user_id=user_id):
            return space.with_mic(user_id, muted=False)
        case ParticipantRemoved(user_id=user_id):
            gone = space.off_stage(user_id).without_request(user_id).without_invitation(user_id)
            return replace(gone, removed=space.removed | {user_id})
        case PostPinned(pin_id=pin_id, url=url, text=text, by=by):
            pin = PinnedPost(pin_id=pin_id, url=url, text=text, by=by)
            return replace(space, pins=(*space.pins, pin))
        case PostUnpinned(pin_id=pin_id):
            return replace(space, pins=tuple(pin for pin in space.pins if pin.pin_id != pin_id))
        case HostDisconnected(grace_deadline=deadline):
            return replace(space, host_connected=False, grace_deadline=parse_time(deadline))
        case HostReconnected():
            return replace(space, host_connected=True, grace_deadline=None)
        case _:
            return space  # an event type this version does not know changes nothing here


def _updated(space: Space, event: SpaceUpdated) -> Space:
    return replace(
        space,
        title=space.title if event.title is None else event.title,
        description=space.description if event.description is None else event.description,
        topics=space.topics if event.topics is None else tuple(event.topics),
        scheduled_start=event.scheduled_start or space.scheduled_start,
        copied_seq=space.copied_seq if event.scheduling_seq is None else event.scheduling_seq,
    )


def evolve_membership(state: Membership, event: DomainEvent) -> Membership:
    match event:
        case ListenerJoined():
            return JOINED
        case ParticipantLeft():
            return NOT_JOINED
        case _:
            return state
