"""get_me: the signed-in user's own profile."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import Empty, UserView
from parley.identity.domain.errors import UnknownUser
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.queries.views import user_view


async def get_me(deps: IdentityDeps, payload: Empty, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx, "see your profile")
    async with deps.sessions() as session:
        view = await user_view(session, actor, actor)
    if view is None:
        raise UnknownUser()
    return view
