"""Other people's profiles, and the follow/block graph."""

from __future__ import annotations

from litestar import Controller, delete, get, put

from parley.contracts.api import identity
from parley.contracts.api.identity import ListUsers, TargetUser, UserPage, UserView
from parley.gateway.accounts.schemas import Cursor, Handle, PageSize
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import optional_login, requires_login
from parley.gateway.problems import problem_responses

_READ_PROBLEMS = problem_responses(401, 404, 422, 503)
_COMMAND_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)


class UsersController(Controller):
    path = "/api/v1/users/{handle:str}"
    tags = ["accounts"]

    @get(operation_id="getUser", guards=[optional_login], responses=_READ_PROBLEMS)
    async def get_user(self, handle: Handle, bus: BusDep, ctx: ContextDep) -> UserView:
        """A profile. With a token, the relationship fields describe the caller's view of it."""
        return await bus.call(identity.GET_USER, TargetUser(handle=handle), ctx)

    @put("/follow", operation_id="followUser", guards=[requires_login], responses=_COMMAND_PROBLEMS)
    async def follow(self, handle: Handle, bus: BusDep, ctx: ContextDep) -> UserView:
        """Follow this user (idempotent); answers their profile as the caller now sees it."""
        return await bus.call(identity.FOLLOW, TargetUser(handle=handle), ctx)

    @delete(
        "/follow",
        operation_id="unfollowUser",
        status_code=200,
        guards=[requires_login],
        responses=_COMMAND_PROBLEMS,
    )
    async def unfollow(self, handle: Handle, bus: BusDep, ctx: ContextDep) -> UserView:
        """Stop following this user (idempotent)."""
        return await bus.call(identity.UNFOLLOW, TargetUser(handle=handle), ctx)

    @put("/block", operation_id="blockUser", guards=[requires_login], responses=_COMMAND_PROBLEMS)
    async def block(self, handle: Handle, bus: BusDep, ctx: ContextDep) -> UserView:
        """Block this user: follows either way end, and they cannot join the caller's Spaces."""
        return await bus.call(identity.BLOCK, TargetUser(handle=handle), ctx)

    @delete(
        "/block",
        operation_id="unblockUser",
        status_code=200,
        guards=[requires_login],
        responses=_COMMAND_PROBLEMS,
    )
    async def unblock(self, handle: Handle, bus: BusDep, ctx: ContextDep) -> UserView:
        """Unblock this user (idempotent)."""
        return await bus.call(identity.UNBLOCK, TargetUser(handle=handle), ctx)

    @get(
        "/followers",
        operation_id="listFollowers",
        guards=[optional_login],
        responses=_READ_PROBLEMS,
    )
    async def list_followers(
        self,
        handle: Handle,
        bus: BusDep,
        ctx: ContextDep,
        limit: PageSize = 50,
        cursor: Cursor = None,
    ) -> UserPage:
        """Who follows this user, a page at a time."""
        page = ListUsers(handle=handle, limit=limit, cursor=cursor)
        return await bus.call(identity.LIST_FOLLOWERS, page, ctx)

    @get(
        "/following",
        operation_id="listFollowing",
        guards=[optional_login],
        responses=_READ_PROBLEMS,
    )
    async def list_following(
        self,
        handle: Handle,
        bus: BusDep,
        ctx: ContextDep,
        limit: PageSize = 50,
        cursor: Cursor = None,
    ) -> UserPage:
        """Whom this user follows, a page at a time."""
        page = ListUsers(handle=handle, limit=limit, cursor=cursor)
        return await bus.call(identity.LIST_FOLLOWING, page, ctx)
