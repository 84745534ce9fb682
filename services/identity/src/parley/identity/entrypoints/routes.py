"""Identity serves every route of its contract (``parley.contracts.api.identity.ROUTES``)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api import identity as api
from parley.identity.handlers import (
    block,
    follow,
    get_me,
    get_user,
    list_users,
    login,
    moderate,
    ping,
    register,
    suspended_users,
    unblock,
    unfollow,
    update_profile,
)
from parley.identity.handlers.dependencies import IdentityDeps


def routes(deps: IdentityDeps, *, queue: str, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes, contended="this account")
    answer = answers.answer

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
    answer(api.PING, ping.ping)
    return answers.router
