"""start_space: the host takes the Space live."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import StartSpace
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def start_space(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, lambda actor: StartSpace(actor, deps.clock()))
