"""The read side: every query answers from the read models (eventually consistent; commands
wait for them before answering, so a caller reads its own writes)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.identity import (
    Empty,
    ListUsers,
    SuspendedUsers,
    TargetUser,
    UserPage,
    UserView,
)
from parley.identity.domain.errors import UnknownUser
from parley.identity.domain.rules import is_valid_handle, user_id_for
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.handlers.users import require_actor
from parley.identity.projections.views import Direction, suspended_user_ids, user_page, user_view


async def get_me(deps: IdentityDeps, payload: Empty, ctx: RequestContext) -> UserView:
    actor = require_actor(ctx)
    async with deps.sessions() as session:
        view = await user_view(session, actor, actor)
    if view is None:
        raise UnknownUser()
    return view


async def get_user(deps: IdentityDeps, payload: TargetUser, ctx: RequestContext) -> UserView:
    async with deps.sessions() as session:
        view = await user_view(session, _user_id(payload.handle), ctx.actor)
    if view is None:
        raise UnknownUser(payload.handle)
    return view


async def list_followers(deps: IdentityDeps, payload: ListUsers, ctx: RequestContext) -> UserPage:
    return await _list(deps, payload, Direction.FOLLOWERS)


async def list_following(deps: IdentityDeps, payload: ListUsers, ctx: RequestContext) -> UserPage:
    return await _list(deps, payload, Direction.FOLLOWING)


async def suspended_users(
    deps: IdentityDeps, payload: Empty, ctx: RequestContext
) -> SuspendedUsers:
    async with deps.sessions() as session:
        return SuspendedUsers(user_ids=await suspended_user_ids(session))


async def _list(deps: IdentityDeps, payload: ListUsers, direction: Direction) -> UserPage:
    user_id = _user_id(payload.handle)
    async with deps.sessions() as session:
        if await user_view(session, user_id, None) is None:
            raise UnknownUser(payload.handle)
        return await user_page(
            session, user_id, direction, limit=payload.limit, cursor=payload.cursor
        )


def _user_id(handle: str) -> str:
    if not is_valid_handle(handle):
        raise UnknownUser(handle)
    return user_id_for(handle)
