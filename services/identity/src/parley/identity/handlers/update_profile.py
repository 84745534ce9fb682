"""update_profile: change the actor's display name and/or bio."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import UpdateProfile as UpdateProfilePayload
from parley.contracts.api.identity import UserView
from parley.identity.domain.commands import UpdateProfile
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import run, view_after


async def update_profile(
    deps: IdentityDeps, payload: UpdateProfilePayload, ctx: RequestContext
) -> UserView:
    actor = require_actor(ctx, "change your profile")
    command = UpdateProfile(display_name=payload.display_name, bio=payload.bio)
    outcome = await run(deps, actor, command, ctx.event_metadata())
    return await view_after(deps, outcome.version, actor, actor, fallback=outcome.state)
