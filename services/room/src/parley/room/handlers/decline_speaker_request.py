"""decline_speaker_request: the host or a co-host turns a request to speak down."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceUser, SpaceView
from parley.room.domain.commands import DeclineSpeakerRequest
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act, named_user


async def decline_speaker_request(
    deps: RoomDeps, payload: SpaceUser, ctx: RequestContext
) -> SpaceView:
    user_id = named_user(payload.user_id)
    return await act(
        deps, payload.space_id, ctx, lambda actor: DeclineSpeakerRequest(actor, user_id)
    )
