"""follow: the actor follows the target, unless either blocked the other."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import TargetUser, UserView
from parley.identity.domain.commands import DropFollowBecauseOfBlock, Follow, Target
from parley.identity.domain.errors import NotAllowed
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import (
    load_target,
    load_user,
    run,
    view_after,
    wait_for_read_models,
)


async def follow(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "follow someone")
    target = await load_target(deps, payload.handle, actor)
    outcome = await run(deps, actor, Follow(target), ctx.event_metadata())
    if outcome.new_events:
        await undo_if_blocked_meanwhile(deps, actor, target, ctx)
    return await view_after(deps, outcome.version, target.user_id, actor)


async def undo_if_blocked_meanwhile(
    deps: IdentityDeps, actor: str, target: Target, ctx: RequestContext
) -> None:
    """The target's block may have landed between loading it and appending the follow. The
    block handler removes follows it can see after its append; this check covers the follow
    it could not see yet. Between the two, no follow outlives a block."""
    now = await load_user(deps, target.user_id)
    if now is None or not now.blocks(actor):
        return
    command = DropFollowBecauseOfBlock(blocker_id=target.user_id)
    undone = await run(deps, actor, command, ctx.event_metadata())
    await wait_for_read_models(deps, undone.version)  # a read after the 403 shows no follow
    raise NotAllowed("blocked", "you cannot follow a user when either of you blocked the other")
