"""accept_speaker_request: the host or a co-host lets a listener on stage, mic muted."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceUser, SpaceView
from parley.room.domain.commands import AcceptSpeakerRequest
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act_on


async def accept_speaker_request(
    deps: RoomDeps, payload: SpaceUser, ctx: RequestContext
) -> SpaceView:
    view, _ = await act_on(deps, payload.space_id, payload.user_id, ctx, AcceptSpeakerRequest)
    return view
