"""withdraw_speaker_request: a listener stops asking for the stage."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import WithdrawSpeakerRequest
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def withdraw_speaker_request(
    deps: RoomDeps, payload: SpaceRef, ctx: RequestContext
) -> SpaceView:
    return await act(deps, payload.space_id, ctx, WithdrawSpeakerRequest)
