"""accept_invitation: the invitee goes on stage. From outside the Space it also joins it, after
the stage change (which is what can be refused), so a refusal changes nothing."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import AcceptInvitation, Join
from parley.room.domain.state import Space
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import (
    actor_facts,
    load_space,
    named_user,
    run_membership,
    run_space,
    view_for,
)
from parley.room.views import Viewer


async def accept_invitation(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    actor_id = named_user(require_actor(ctx, "accept an invitation"))
    space, _ = await load_space(deps, payload.space_id)
    actor = await actor_facts(deps, space, actor_id)
    metadata = ctx.event_metadata()
    outcome = await run_space(deps, space.space_id, AcceptInvitation(actor), metadata)
    if not actor.joined:
        assert isinstance(outcome.state, Space)
        join = Join(joiner=actor, space=outcome.state, invited=True)
        await run_membership(deps, space.space_id, actor_id, join, metadata)
    return await view_for(deps, outcome.state, outcome.version, Viewer(actor_id, joined=True))
