"""Rules of the stage: requests to speak, invitations, mics, moving down, removal, leaving."""

from __future__ import annotations

from parley.contracts.events.room import (
    CohostAdded,
    MovedToAudience,
    ParticipantRemoved,
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
from parley.room.domain.commands import (
    AcceptInvitation,
    AcceptSpeakerRequest,
    DeclineInvitation,
    DeclineSpeakerRequest,
    DropSuspendedUser,
    InviteToStage,
    LeaveSpace,
    MoveToAudience,
    MuteAll,
    MuteSpeaker,
    RemoveParticipant,
    RequestToSpeak,
    SetMyMic,
    Target,
    WithdrawSpeakerRequest,
)
from parley.room.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from parley.room.domain.guards import (
    active,
    host_only,
    host_or_cohost,
    live,
    may_act_on,
    not_blocked,
    not_removed,
    open_space,
)
from parley.room.domain.lifecycle import host_away
from parley.room.domain.rules import MAX_COHOSTS, MAX_SPEAKERS
from parley.room.domain.state import Space, SpaceState, StageRole


def _room_for_speaker(space: Space) -> None:
    if len(space.speakers) >= MAX_SPEAKERS:
        raise Conflict("stage-full", f"the stage has its {MAX_SPEAKERS} speakers")


def _room_for_cohost(space: Space) -> None:
    if len(space.cohosts) >= MAX_COHOSTS:
        raise Conflict("cohosts-full", f"a Space has at most {MAX_COHOSTS} co-hosts")


def _user_not_on_stage() -> Conflict:
    return Conflict("user-not-on-stage", "this user is not on stage")


# -- asking to speak ----------------------------------------------------------------------------


def request_to_speak(command: RequestToSpeak, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    not_removed(space, actor.user_id)
    not_blocked(actor.blocked_by_host)
    if space.on_stage(actor.user_id) or not actor.joined:
        raise NotAllowed("not-a-listener", "only listeners in the Space can ask to speak")
    live(space)
    policy = space.settings.speak_policy
    if policy == "invited":
        raise NotAllowed("speaking-not-allowed", "in this Space the host invites speakers")
    if policy == "followed" and not actor.followed_by_host:
        raise NotAllowed("speaking-not-allowed", "only accounts the host follows may ask")
    if space.has_requested(actor.user_id):
        return []
    return [SpeakerRequested(space_id=space.space_id, user_id=actor.user_id)]


def withdraw_request(command: WithdrawSpeakerRequest, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    if not space.has_requested(actor.user_id):
        return []
    return [SpeakerRequestWithdrawn(space_id=space.space_id, user_id=actor.user_id)]


def accept_request(command: AcceptSpeakerRequest, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    host_or_cohost(space, actor)
    live(space)
    target = command.target
    if not space.has_requested(target.user_id):
        raise Conflict("no-speaker-request", "this user has no pending request to speak")
    _may_go_on_stage(space, target)
    _room_for_speaker(space)
    return [
        SpeakerPromoted(
            space_id=space.space_id, user_id=target.user_id, by=actor.user_id, via="request"
        )
    ]


def decline_request(command: DeclineSpeakerRequest, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    host_or_cohost(space, actor)
    if not space.has_requested(command.user_id):
        return []
    return [
        SpeakerRequestDeclined(space_id=space.space_id, user_id=command.user_id, by=actor.user_id)
    ]


def _may_go_on_stage(space: Space, target: Target) -> None:
    not_removed(space, target.user_id)
    not_blocked(target.blocked_by_host)
    if target.suspended:
        raise Conflict("user-suspended", "this account is suspended")


# -- invitations ----------------------------------------------------------------------------


def invite(command: InviteToStage, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    if command.role == "cohost":
        host_only(space, actor)
    else:
        host_or_cohost(space, actor)
    live(space)
    target = command.target
    if target.user_id == actor.user_id:
        raise InvalidInput("cannot-invite-self", "you cannot invite yourself")
    if not target.known:
        raise NotFound("user-not-found", "no such user")
    _may_go_on_stage(space, target)
    _has_room_as(space, target.user_id, command.role)
    pending = space.invitation_for(target.user_id)
    if pending is not None and pending.role == command.role:
        return []
    return [
        StageInvitationSent(
            space_id=space.space_id, user_id=target.user_id, role=command.role, by=actor.user_id
        )
    ]


def _has_room_as(space: Space, user_id: str, role: StageRole) -> None:
    if role == "speaker":
        if space.on_stage(user_id):
            raise Conflict("already-on-stage", "this user is on stage already")
        _room_for_speaker(space)
    else:
        if space.is_moderator(user_id):
            raise Conflict("already-cohost", "this user co-hosts already")
        _room_for_cohost(space)


def accept_invitation(command: AcceptInvitation, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    not_removed(space, actor.user_id)
    not_blocked(actor.blocked_by_host)
    invitation = space.invitation_for(actor.user_id)
    if invitation is None:
        raise Conflict("no-invitation", "there is no invitation for you in this Space")
    live(space)
    _has_room_as(space, actor.user_id, invitation.role)
    if invitation.role == "cohost":
        return [
            CohostAdded(space_id=space.space_id, user_id=actor.user_id, invited_by=invitation.by)
        ]
    return [
        SpeakerPromoted(space_id=space.space_id, user_id=actor.user_id, by=None, via="invitation")
    ]


def decline_invitation(command: DeclineInvitation, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    invitation = space.invitation_for(actor.user_id)
    if invitation is None:
        return []
    return [
        StageInvitationDeclined(
            space_id=space.space_id, user_id=actor.user_id, role=invitation.role
        )
    ]


# -- mics -----------------------------------------------------------------------------------


def set_my_mic(command: SetMyMic, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    if not space.on_stage(actor.user_id):
        raise NotAllowed("not-on-stage", "only people on stage have a mic")
    live(space)
    if space.is_muted(actor.user_id) == command.muted:
        return []
    if command.muted:
        return [SpeakerMuted(space_id=space.space_id, user_id=actor.user_id, by=actor.user_id)]
    return [SpeakerUnmuted(space_id=space.space_id, user_id=actor.user_id)]


def mute_speaker(command: MuteSpeaker, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    may_act_on(space, actor, command.user_id)
    if not space.on_stage(command.user_id):
        raise _user_not_on_stage()
    if space.is_muted(command.user_id):
        return []
    return [SpeakerMuted(space_id=space.space_id, user_id=command.user_id, by=actor.user_id)]


def mute_all(command: MuteAll, state: SpaceState) -> list[DomainEvent]:
    """Every co-host and speaker but the actor (the host is never muted by others)."""
    space = open_space(state)
    actor = active(command.actor)
    host_or_cohost(space, actor)
    return [
        SpeakerMuted(space_id=space.space_id, user_id=seat.user_id, by=actor.user_id)
        for seat in (*space.cohosts, *space.speakers)
        if not seat.muted and seat.user_id != actor.user_id
    ]


# -- leaving the stage ------------------------------------------------------------------------


def move_to_audience(command: MoveToAudience, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    stepping_down = command.user_id == actor.user_id
    if stepping_down:
        if space.is_host(actor.user_id):
            raise NotAllowed("cannot-act-on-host", "the host stays on stage")
        if not space.on_stage(actor.user_id):
            raise NotAllowed("not-on-stage", "only people on stage can step down")
    else:
        may_act_on(space, actor, command.user_id)
        if not space.on_stage(command.user_id):
            raise _user_not_on_stage()
    return [
        MovedToAudience(
            space_id=space.space_id,
            user_id=command.user_id,
            by=actor.user_id,
            stepped_down=stepping_down,
        )
    ]


def remove(command: RemoveParticipant, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    actor = active(command.actor)
    target = command.target
    if target.user_id == actor.user_id:
        raise InvalidInput("cannot-remove-self", "you cannot remove yourself; leave instead")
    may_act_on(space, actor, target.user_id)
    if space.is_removed(target.user_id):
        return []
    if not (target.joined or space.on_stage(target.user_id)):
        raise Conflict("not-a-participant", "this user is not in the Space")
    return [
        ParticipantRemoved(
            space_id=space.space_id,
            user_id=target.user_id,
            by=actor.user_id,
            block=command.block,
            report_reason=command.report_reason,
            report_text=command.report_text,
        )
    ]


def leave(command: LeaveSpace, state: SpaceState) -> list[DomainEvent]:
    space = open_space(state)
    user_id = command.actor.user_id
    if space.is_host(user_id):
        return host_away(space, command.now, command.grace_s)
    return _off_stage_and_queue(space, user_id, by=user_id)


def drop_suspended_user(command: DropSuspendedUser, state: SpaceState) -> list[DomainEvent]:
    if state is None or state.ended or state.is_host(command.user_id):
        return []  # a suspended host's Space ends instead (EndByPolicy)
    events = _off_stage_and_queue(state, command.user_id, by=None)
    invitation = state.invitation_for(command.user_id)
    if invitation is not None:
        events.append(
            StageInvitationDeclined(
                space_id=state.space_id, user_id=command.user_id, role=invitation.role
            )
        )
    return events


def _off_stage_and_queue(space: Space, user_id: str, by: str | None) -> list[DomainEvent]:
    events: list[DomainEvent] = []
    if space.on_stage(user_id):
        events.append(
            MovedToAudience(
                space_id=space.space_id, user_id=user_id, by=by, stepped_down=by == user_id
            )
        )
    if space.has_requested(user_id):
        events.append(SpeakerRequestWithdrawn(space_id=space.space_id, user_id=user_id))
    return events
