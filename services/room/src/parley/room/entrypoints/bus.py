"""Room's side of the request/reply contract (``parley.contracts.api.room``): every command
and query but ``react``, ``list_spaces``, ``get_space_analytics`` and ``list_notifications``,
which the read side registers on the same router."""

from __future__ import annotations

from parley.chassis.bus import BusRouter
from parley.contracts.api.room import (
    CONTEXT,
    CreateSpace,
    HostPresence,
    InviteToStage,
    PinPost,
    RemoveParticipant,
    SetMyMic,
    SpaceRef,
    SpaceUser,
    UnpinPost,
    UpdateSpace,
)
from parley.room.entrypoints.errors import bound
from parley.room.handlers import (
    accept_invitation,
    accept_speaker_request,
    create_space,
    decline_invitation,
    decline_speaker_request,
    end_space,
    get_space,
    host_presence,
    invite_to_stage,
    join_space,
    leave_space,
    move_to_audience,
    mute_all,
    mute_speaker,
    my_role,
    pin_post,
    remove_participant,
    request_to_speak,
    set_my_mic,
    start_space,
    unpin_post,
    update_space,
    withdraw_speaker_request,
)
from parley.room.handlers.dependencies import RoomDeps


def build_router(deps: RoomDeps) -> BusRouter:
    router = BusRouter(CONTEXT)

    router.command("create_space", CreateSpace)(bound(deps, create_space.create_space))
    router.command("update_space", UpdateSpace)(bound(deps, update_space.update_space))
    router.command("start_space", SpaceRef)(bound(deps, start_space.start_space))
    router.command("end_space", SpaceRef)(bound(deps, end_space.end_space))
    router.command("join_space", SpaceRef)(bound(deps, join_space.join_space))
    router.command("leave_space", SpaceRef)(bound(deps, leave_space.leave_space))
    router.command("request_to_speak", SpaceRef)(bound(deps, request_to_speak.request_to_speak))
    router.command("withdraw_speaker_request", SpaceRef)(
        bound(deps, withdraw_speaker_request.withdraw_speaker_request)
    )
    router.command("accept_speaker_request", SpaceUser)(
        bound(deps, accept_speaker_request.accept_speaker_request)
    )
    router.command("decline_speaker_request", SpaceUser)(
        bound(deps, decline_speaker_request.decline_speaker_request)
    )
    router.command("invite_to_stage", InviteToStage)(bound(deps, invite_to_stage.invite_to_stage))
    router.command("accept_invitation", SpaceRef)(bound(deps, accept_invitation.accept_invitation))
    router.command("decline_invitation", SpaceRef)(
        bound(deps, decline_invitation.decline_invitation)
    )
    router.command("set_my_mic", SetMyMic)(bound(deps, set_my_mic.set_my_mic))
    router.command("mute_speaker", SpaceUser)(bound(deps, mute_speaker.mute_speaker))
    router.command("mute_all", SpaceRef)(bound(deps, mute_all.mute_all))
    router.command("move_to_audience", SpaceUser)(bound(deps, move_to_audience.move_to_audience))
    router.command("remove_participant", RemoveParticipant)(
        bound(deps, remove_participant.remove_participant)
    )
    router.command("pin_post", PinPost)(bound(deps, pin_post.pin_post))
    router.command("unpin_post", UnpinPost)(bound(deps, unpin_post.unpin_post))
    router.command("host_presence", HostPresence)(bound(deps, host_presence.host_presence))

    router.query("get_space", SpaceRef)(bound(deps, get_space.get_space))
    router.query("my_role", SpaceRef)(bound(deps, my_role.my_role))

    return router
