"""suspend / reinstate: a moderator acts on another user's account."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import ModerationTarget, UserView
from parley.identity.domain.commands import Reinstate, Suspend
from parley.identity.domain.decide import as_moderator
from parley.identity.domain.rules import user_id_for
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import load_user, run, view_after


async def suspend(deps: IdentityDeps, payload: ModerationTarget, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "suspend an account")
    moderator = as_moderator(await load_user(deps, actor), deps.moderator_handles)
    command = Suspend(moderator=moderator, reason=payload.reason)
    return await _moderate(deps, payload.handle, command, ctx)


async def reinstate(deps: IdentityDeps, payload: ModerationTarget, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "reinstate an account")
    moderator = as_moderator(await load_user(deps, actor), deps.moderator_handles)
    command = Reinstate(moderator=moderator, reason=payload.reason)
    return await _moderate(deps, payload.handle, command, ctx)


async def _moderate(
    deps: IdentityDeps, handle: str, command: Suspend | Reinstate, ctx: RequestContext
) -> UserView:
    # Events go to the moderated user's aggregate; the actor in their envelopes is the moderator.
    target_id = user_id_for(handle)
    outcome = await run(deps, target_id, command, ctx.event_metadata())
    return await view_after(deps, outcome.version, target_id, ctx.actor, fallback=outcome.state)
