"""my_role: the caller's role and mic in a Space, cheap enough for every media negotiation
and live socket (from the aggregate, strongly consistent)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import MyRole, SpaceRef
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import is_joined, load_space, named_user
from parley.room.views import Viewer, render_my_role


async def my_role(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> MyRole:
    actor_id = named_user(require_actor(ctx, "see your role"))
    space, _ = await load_space(deps, payload.space_id)
    viewer = Viewer(actor_id, await is_joined(deps, space.space_id, actor_id))
    return render_my_role(space, viewer)
