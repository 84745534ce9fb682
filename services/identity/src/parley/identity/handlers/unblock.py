"""unblock: the actor lifts a block (follows it ended are not restored)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import TargetUser, UserView
from parley.identity.domain.commands import Unblock
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_target, run, view_after


async def unblock(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "unblock someone")
    target = await load_target(deps, payload.handle, actor)
    outcome = await run(deps, actor, Unblock(target), ctx.event_metadata())
    return await view_after(deps, outcome.version, target.user_id, actor)
