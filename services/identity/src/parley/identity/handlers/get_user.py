"""get_user: a profile by handle, with the relationship fields seen from the caller (all false
for an anonymous caller)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import TargetUser, UserView
from parley.identity.domain.errors import UnknownUser
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import user_id_of
from parley.identity.queries.views import user_view


async def get_user(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    async with deps.sessions() as session:
        view = await user_view(session, user_id_of(payload.handle), ctx.actor)
    if view is None:
        raise UnknownUser(payload.handle)
    return view
