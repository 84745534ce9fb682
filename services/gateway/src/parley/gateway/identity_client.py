"""The identity service's request/reply contract as typed calls (``parley.contracts.api.identity``).

The gateway's only knowledge of identity: subjects and payload shapes come from the contract,
errors come back as :class:`~parley.chassis.errors.DomainError` raised by the bus client.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from parley.chassis.bus import BusClient, RequestContext
from parley.contracts.api.identity import (
    CONTEXT,
    AccessToken,
    Empty,
    ListUsers,
    Login,
    ModerationTarget,
    Register,
    Registered,
    SuspendedUsers,
    TargetUser,
    UpdateProfile,
    UserPage,
    UserView,
)

R = TypeVar("R", bound=BaseModel)


class IdentityClient:
    def __init__(self, bus: BusClient) -> None:
        self._bus = bus

    async def register(
        self, handle: str, display_name: str, password: str, ctx: RequestContext
    ) -> Registered:
        payload = Register(handle=handle, display_name=display_name, password=password)
        return await self._command("register", payload, Registered, ctx)

    async def login(self, handle: str, password: str, ctx: RequestContext) -> AccessToken:
        payload = Login(handle=handle, password=password)
        return await self._command("login", payload, AccessToken, ctx)

    async def update_profile(
        self, display_name: str | None, bio: str | None, ctx: RequestContext
    ) -> UserView:
        payload = UpdateProfile(display_name=display_name, bio=bio)
        return await self._command("update_profile", payload, UserView, ctx)

    async def follow(self, handle: str, ctx: RequestContext) -> UserView:
        return await self._command("follow", TargetUser(handle=handle), UserView, ctx)

    async def unfollow(self, handle: str, ctx: RequestContext) -> UserView:
        return await self._command("unfollow", TargetUser(handle=handle), UserView, ctx)

    async def block(self, handle: str, ctx: RequestContext) -> UserView:
        return await self._command("block", TargetUser(handle=handle), UserView, ctx)

    async def unblock(self, handle: str, ctx: RequestContext) -> UserView:
        return await self._command("unblock", TargetUser(handle=handle), UserView, ctx)

    async def suspend(self, handle: str, reason: str, ctx: RequestContext) -> UserView:
        payload = ModerationTarget(handle=handle, reason=reason)
        return await self._command("suspend", payload, UserView, ctx)

    async def reinstate(self, handle: str, reason: str, ctx: RequestContext) -> UserView:
        payload = ModerationTarget(handle=handle, reason=reason)
        return await self._command("reinstate", payload, UserView, ctx)

    async def get_me(self, ctx: RequestContext) -> UserView:
        return await self._query("get_me", Empty(), UserView, ctx)

    async def get_user(self, handle: str, ctx: RequestContext) -> UserView:
        return await self._query("get_user", TargetUser(handle=handle), UserView, ctx)

    async def list_followers(
        self, handle: str, limit: int, cursor: str | None, ctx: RequestContext
    ) -> UserPage:
        payload = ListUsers(handle=handle, limit=limit, cursor=cursor)
        return await self._query("list_followers", payload, UserPage, ctx)

    async def list_following(
        self, handle: str, limit: int, cursor: str | None, ctx: RequestContext
    ) -> UserPage:
        payload = ListUsers(handle=handle, limit=limit, cursor=cursor)
        return await self._query("list_following", payload, UserPage, ctx)

    async def suspended_users(self, ctx: RequestContext) -> SuspendedUsers:
        return await self._query("suspended_users", Empty(), SuspendedUsers, ctx)

    async def _command(
        self, name: str, payload: BaseModel, result: type[R], ctx: RequestContext
    ) -> R:
        return _parse(result, await self._bus.command(CONTEXT, name, payload, ctx))

    async def _query(
        self, name: str, payload: BaseModel, result: type[R], ctx: RequestContext
    ) -> R:
        return _parse(result, await self._bus.query(CONTEXT, name, payload, ctx))


def _parse(result: type[R], data: Any) -> R:
    return result.model_validate(data)
