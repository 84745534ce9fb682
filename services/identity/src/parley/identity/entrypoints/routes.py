"""Identity serves every route of its contract (``parley.contracts.api.identity.ROUTES``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from faststream.nats import NatsRouter
from pydantic import BaseModel

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.handlers import bind
from parley.contracts.api import identity as api
from parley.contracts.routes import Route
from parley.identity.handlers import (
    block,
    follow,
    get_me,
    get_user,
    list_users,
    login,
    moderate,
    register,
    suspended_users,
    unblock,
    unfollow,
    update_profile,
)
from parley.identity.handlers.dependencies import IdentityDeps

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


def routes(deps: IdentityDeps, *, queue: str) -> NatsRouter:
    router = route_router()

    def answer(
        route: Route[P, R], handler: Callable[[IdentityDeps, P, RequestContext], Awaitable[R]]
    ) -> None:
        serve(router, route, bind(deps, handler, contended="this account"), queue=queue)

    answer(api.REGISTER, register.register)
    answer(api.LOGIN, login.login)
    answer(api.UPDATE_PROFILE, update_profile.update_profile)
    answer(api.FOLLOW, follow.follow)
    answer(api.UNFOLLOW, unfollow.unfollow)
    answer(api.BLOCK, block.block)
    answer(api.UNBLOCK, unblock.unblock)
    answer(api.SUSPEND, moderate.suspend)
    answer(api.REINSTATE, moderate.reinstate)

    answer(api.GET_ME, get_me.get_me)
    answer(api.GET_USER, get_user.get_user)
    answer(api.LIST_FOLLOWERS, list_users.list_followers)
    answer(api.LIST_FOLLOWING, list_users.list_following)
    answer(api.SUSPENDED_USERS, suspended_users.suspended_users)
    return router
