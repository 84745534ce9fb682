"""decline_invitation: the invitee says no."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import DeclineInvitation
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def decline_invitation(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, DeclineInvitation)
