"""block: the actor blocks the target; follows between them end in both directions."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import TargetUser, UserView
from parley.identity.domain.commands import Block, DropFollowBecauseOfBlock
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_target, run, view_after


async def block(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "block someone")
    target = await load_target(deps, payload.handle, actor)
    metadata = ctx.event_metadata()
    # The block (and the actor's own unfollow) on the actor's aggregate...
    blocked = await run(deps, actor, Block(target), metadata)
    # ...then the target's follow of the actor, on theirs. Runs on every call, so a retry of
    # a block that failed between the two appends completes it.
    dropped = await run(deps, target.user_id, DropFollowBecauseOfBlock(actor), metadata)
    position = max(blocked.version, dropped.version)
    return await view_after(deps, position, target.user_id, actor)
