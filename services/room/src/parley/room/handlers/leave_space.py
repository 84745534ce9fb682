"""leave_space: the actor leaves. On stage, they step down first; the host leaving is the host
disconnecting (the Space goes on, the seat is kept for the grace period)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import Actor, Leave, LeaveSpace
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import (
    load_space,
    named_user,
    run_membership,
    run_space,
    view_for,
)
from parley.room.views import Viewer


async def leave_space(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    actor_id = named_user(require_actor(ctx, "leave a Space"))
    space, _ = await load_space(deps, payload.space_id)
    metadata = ctx.event_metadata()
    # Leaving needs no facts: anyone may leave, suspended or not.
    leaving = LeaveSpace(Actor(actor_id), now=deps.clock(), grace_s=deps.host_grace_s)
    outcome = await run_space(deps, space.space_id, leaving, metadata)
    leave = Leave(space.space_id, actor_id, reason="left")
    await run_membership(deps, space.space_id, actor_id, leave, metadata)
    return await view_for(deps, outcome.state, outcome.version, Viewer(actor_id, joined=False))
