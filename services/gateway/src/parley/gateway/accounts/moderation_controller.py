"""Platform moderators suspend and reinstate accounts (identity checks the caller's role)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from parley.contracts.api.identity import UserView
from parley.gateway.accounts.schemas import Handle, ModerationBody
from parley.gateway.auth import requires_login
from parley.gateway.dependencies import ContextDep, IdentityDep
from parley.gateway.problems import problem_responses
from parley.gateway.security import TOKEN_SECURITY

_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class ModerationController(Controller):
    path = "/api/v1/moderation/users/{handle:str}"
    tags = ["moderation"]
    guards = [requires_login]
    security = TOKEN_SECURITY

    @post("/suspend", operation_id="suspendUser", status_code=200, responses=_PROBLEMS)
    async def suspend(
        self,
        handle: Handle,
        identity: IdentityDep,
        ctx: ContextDep,
        data: JSONBody[ModerationBody | None] = None,
    ) -> UserView:
        """Suspend the account: its tokens stop working and it cannot log in, host or speak."""
        return await identity.suspend(handle, data.reason if data else "", ctx)

    @post("/reinstate", operation_id="reinstateUser", status_code=200, responses=_PROBLEMS)
    async def reinstate(
        self,
        handle: Handle,
        identity: IdentityDep,
        ctx: ContextDep,
        data: JSONBody[ModerationBody | None] = None,
    ) -> UserView:
        """Lift a suspension."""
        return await identity.reinstate(handle, data.reason if data else "", ctx)
