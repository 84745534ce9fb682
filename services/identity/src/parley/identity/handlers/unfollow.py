"""unfollow: the actor stops following the target (already not following: nothing to do)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import TargetUser, UserView
from parley.identity.domain.commands import Unfollow
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_target, run, view_after


async def unfollow(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "unfollow someone")
    target = await load_target(deps, payload.handle, actor)
    outcome = await run(deps, actor, Unfollow(target), ctx.event_metadata())
    return await view_after(deps, outcome.version, target.user_id, actor)
