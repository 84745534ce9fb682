"""Identity's side of the request/reply contract (``parley.contracts.api.identity``)."""

from __future__ import annotations

from parley.chassis.bus import BusRouter
from parley.contracts.api.identity import (
    CONTEXT,
    Empty,
    ListUsers,
    Login,
    ModerationTarget,
    Register,
    TargetUser,
    UpdateProfile,
)
from parley.identity.entrypoints.errors import bound
from parley.identity.handlers import (
    block,
    follow,
    login,
    moderate,
    queries,
    register,
    unblock,
    unfollow,
    update_profile,
)
from parley.identity.handlers.dependencies import IdentityDeps


def build_router(deps: IdentityDeps) -> BusRouter:
    router = BusRouter(CONTEXT)

    router.command("register", Register)(bound(deps, register.register))
    router.command("login", Login)(bound(deps, login.login))
    router.command("update_profile", UpdateProfile)(bound(deps, update_profile.update_profile))
    router.command("follow", TargetUser)(bound(deps, follow.follow))
    router.command("unfollow", TargetUser)(bound(deps, unfollow.unfollow))
    router.command("block", TargetUser)(bound(deps, block.block))
    router.command("unblock", TargetUser)(bound(deps, unblock.unblock))
    router.command("suspend", ModerationTarget)(bound(deps, moderate.suspend))
    router.command("reinstate", ModerationTarget)(bound(deps, moderate.reinstate))

    router.query("get_me", Empty)(bound(deps, queries.get_me))
    router.query("get_user", TargetUser)(bound(deps, queries.get_user))
    router.query("list_followers", ListUsers)(bound(deps, queries.list_followers))
    router.query("list_following", ListUsers)(bound(deps, queries.list_following))
    router.query("suspended_users", Empty)(bound(deps, queries.suspended_users))

    return router
