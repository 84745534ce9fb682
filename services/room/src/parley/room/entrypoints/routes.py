"""Room serves every route of its contract (``parley.contracts.api.room.ROUTES``), here and
nowhere else: each a FastStream subscriber in the service's queue group, its handler bound to
the dependencies, its rejections turned into problem replies by the chassis' one binding."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api import room as api
from parley.room.handlers import (
    accept_invitation,
    accept_speaker_request,
    create_space,
    decline_invitation,
    decline_speaker_request,
    end_space,
    get_space,
    get_space_analytics,
    host_presence,
    invite_to_stage,
    join_space,
    leave_space,
    list_listeners,
    list_notifications,
    list_spaces,
    mark_notifications_read,
    move_to_audience,
    mute_all,
    mute_speaker,
    my_role,
    pin_post,
    react,
    remove_participant,
    request_to_speak,
    set_my_mic,
    start_space,
    unpin_post,
    update_space,
    withdraw_speaker_request,
)
from parley.room.handlers.dependencies import RoomDeps


def routes(deps: RoomDeps, *, queue: str, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes, contended="this Space")
    answer = answers.answer

    answer(api.CREATE_SPACE, create_space.create_space)
    answer(api.UPDATE_SPACE, update_space.update_space)
    answer(api.START_SPACE, start_space.start_space)
    answer(api.END_SPACE, end_space.end_space)
    answer(api.JOIN_SPACE, join_space.join_space)
    answer(api.LEAVE_SPACE, leave_space.leave_space)
    answer(api.REQUEST_TO_SPEAK, request_to_speak.request_to_speak)
    answer(api.WITHDRAW_SPEAKER_REQUEST, withdraw_speaker_request.withdraw_speaker_request)
    answer(api.ACCEPT_SPEAKER_REQUEST, accept_speaker_request.accept_speaker_request)
    answer(api.DECLINE_SPEAKER_REQUEST, decline_speaker_request.decline_speaker_request)
    answer(api.INVITE_TO_STAGE, invite_to_stage.invite_to_stage)
    answer(api.ACCEPT_INVITATION, accept_invitation.accept_invitation)
    answer(api.DECLINE_INVITATION, decline_invitation.decline_invitation)
    answer(api.SET_MY_MIC, set_my_mic.set_my_mic)
    answer(api.MUTE_SPEAKER, mute_speaker.mute_speaker)
    answer(api.MUTE_ALL, mute_all.mute_all)
    answer(api.MOVE_TO_AUDIENCE, move_to_audience.move_to_audience)
    answer(api.REMOVE_PARTICIPANT, remove_participant.remove_participant)
    answer(api.REACT, react.react)
    answer(api.PIN_POST, pin_post.pin_post)
    answer(api.UNPIN_POST, unpin_post.unpin_post)
    answer(api.HOST_PRESENCE, host_presence.host_presence)
    answer(api.MARK_NOTIFICATIONS_READ, mark_notifications_read.mark_notifications_read)

    answer(api.GET_SPACE, get_space.get_space)
    answer(api.LIST_SPACES, list_spaces.list_spaces)
    answer(api.GET_SPACE_ANALYTICS, get_space_analytics.get_space_analytics)
    answer(api.LIST_NOTIFICATIONS, list_notifications.list_notifications)
    answer(api.LIST_LISTENERS, list_listeners.list_listeners)
    answer(api.MY_ROLE, my_role.my_role)
    return answers.router
