"""suspended_users: the ids of every suspended account (the gateway loads them at start)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import Empty, SuspendedUsers
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.queries.views import suspended_user_ids


async def suspended_users(
    deps: IdentityDeps, payload: Empty, ctx: RequestContext
) -> SuspendedUsers:
    async with deps.sessions() as session:
        return SuspendedUsers(user_ids=await suspended_user_ids(session))
