"""``decide(command, state) -> events`` for a Space: every rule, as a pure function.

An empty list means "already so" (a repeated start, request, mute...), so clients may retry.
The rules themselves live by topic in ``lifecycle``, ``stage``, ``pins``,
``scheduled_copy`` (room's copy of a Space scheduling holds) and ``recording`` (its recording
became ready).
"""

from __future__ import annotations

from typing import assert_never

from parley.contracts.registry import DomainEvent
from parley.room.domain import lifecycle, pins, recording, scheduled_copy, stage
from parley.room.domain.commands import (
    AcceptInvitation,
    AcceptSpeakerRequest,
    CopyScheduledCancel,
    CopyScheduledEdit,
    CopyScheduledSpace,
    CreateSpace,
    DeclineInvitation,
    DeclineSpeakerRequest,
    DropSuspendedUser,
    EndByPolicy,
    EndIfHostStillAway,
    EndSpace,
    InviteToStage,
    LeaveSpace,
    MoveToAudience,
    MuteAll,
    MuteSpeaker,
    NoteRecordingReady,
    NoteScheduledTime,
    PinPost,
    RemoveParticipant,
    RequestToSpeak,
    SetHostPresence,
    SetMyMic,
    SpaceCommand,
    StartSpace,
    UnpinPost,
    UpdateSpace,
    WithdrawSpeakerRequest,
)
from parley.room.domain.state import SpaceState


def decide(command: SpaceCommand, state: SpaceState) -> list[DomainEvent]:
    match command:
        case CreateSpace():
            return lifecycle.create(command, state)
        case UpdateSpace():
            return lifecycle.update(command, state)
        case StartSpace():
            return lifecycle.start(command, state)
        case EndSpace():
            return lifecycle.end(command, state)
        case EndByPolicy():
            return lifecycle.end_by_policy(command, state)
        case SetHostPresence():
            return lifecycle.set_host_presence(command, state)
        case EndIfHostStillAway():
            return lifecycle.end_if_host_still_away(command, state)
        case CopyScheduledSpace():
            return scheduled_copy.copy_space(command, state)
        case CopyScheduledEdit():
            return scheduled_copy.copy_edit(command, state)
        case CopyScheduledCancel():
            return scheduled_copy.copy_cancel(command, state)
        case NoteScheduledTime():
            return scheduled_copy.note_time(command, state)
        case NoteRecordingReady():
            return recording.note_ready(command, state)
        case RequestToSpeak():
            return stage.request_to_speak(command, state)
        case WithdrawSpeakerRequest():
            return stage.withdraw_request(command, state)
        case AcceptSpeakerRequest():
            return stage.accept_request(command, state)
        case DeclineSpeakerRequest():
            return stage.decline_request(command, state)
        case InviteToStage():
            return stage.invite(command, state)
        case AcceptInvitation():
            return stage.accept_invitation(command, state)
        case DeclineInvitation():
            return stage.decline_invitation(command, state)
        case SetMyMic():
            return stage.set_my_mic(command, state)
        case MuteSpeaker():
            return stage.mute_speaker(command, state)
        case MuteAll():
            return stage.mute_all(command, state)
        case MoveToAudience():
            return stage.move_to_audience(command, state)
        case RemoveParticipant():
            return stage.remove(command, state)
        case LeaveSpace():
            return stage.leave(command, state)
        case DropSuspendedUser():
            return stage.drop_suspended_user(command, state)
        case PinPost():
            return pins.pin(command, state)
        case UnpinPost():
            return pins.unpin(command, state)
        case _:
            assert_never(command)
