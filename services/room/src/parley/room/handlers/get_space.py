"""get_space: the Space as the caller (or an anonymous visitor) sees it, from the aggregate
itself (cached): strongly consistent with every command before it."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.rules import is_valid_id
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import is_joined, load_space, view_for
from parley.room.views import Viewer


async def get_space(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    space, version = await load_space(deps, payload.space_id)
    viewer = Viewer()
    if ctx.actor and is_valid_id(ctx.actor):
        viewer = Viewer(ctx.actor, await is_joined(deps, space.space_id, ctx.actor))
    return await view_for(deps, space, version, viewer)
