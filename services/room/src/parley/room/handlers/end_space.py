"""end_space: the host ends the Space; one SpaceEnded, and everyone is out at once."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import EndSpace
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def end_space(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, lambda actor: EndSpace(actor, deps.clock()))
