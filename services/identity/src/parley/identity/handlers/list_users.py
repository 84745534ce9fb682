"""list_followers / list_following: one page of a user's followers or followed accounts,
newest follow first (reads answer from the read models; commands wait for them before
answering, so a caller reads its own writes)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import ListUsers, UserPage
from parley.identity.domain.errors import UnknownUser
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import user_id_of
from parley.identity.queries.views import Direction, user_page, user_view


async def list_followers(deps: IdentityDeps, payload: ListUsers, ctx: RequestContext) -> UserPage:
    return await _list(deps, payload, Direction.FOLLOWERS)


async def list_following(deps: IdentityDeps, payload: ListUsers, ctx: RequestContext) -> UserPage:
    return await _list(deps, payload, Direction.FOLLOWING)


async def _list(deps: IdentityDeps, payload: ListUsers, direction: Direction) -> UserPage:
    user_id = user_id_of(payload.handle)
    async with deps.sessions() as session:
        if await user_view(session, user_id, None) is None:
            raise UnknownUser(payload.handle)
        return await user_page(
            session, user_id, direction, limit=payload.limit, cursor=payload.cursor
        )
