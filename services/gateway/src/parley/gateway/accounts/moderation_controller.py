"""Platform moderators suspend and reinstate accounts (identity checks the caller's role)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import JSONBody

from parley.contracts.api import identity
from parley.contracts.api.identity import ModerationTarget, UserView
from parley.gateway.accounts.schemas import Handle, ModerationBody
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses

_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class ModerationController(Controller):
    path = "/api/v1/moderation/users/{handle:str}"
    tags = ["moderation"]
    guards = [requires_login]

    @post("/suspend", operation_id="suspendUser", status_code=200, responses=_PROBLEMS)
    async def suspend(
        self,
        handle: Handle,
        bus: BusDep,
        ctx: ContextDep,
        data: JSONBody[ModerationBody | None] = None,
    ) -> UserView:
        """Suspend the account: its tokens stop working and it cannot log in, host or speak."""
        return await bus.call(identity.SUSPEND, _target(handle, data), ctx)

    @post("/reinstate", operation_id="reinstateUser", status_code=200, responses=_PROBLEMS)
    async def reinstate(
        self,
        handle: Handle,
        bus: BusDep,
        ctx: ContextDep,
        data: JSONBody[ModerationBody | None] = None,
    ) -> UserView:
        """Lift a suspension."""
        return await bus.call(identity.REINSTATE, _target(handle, data), ctx)


def _target(handle: str, body: ModerationBody | None) -> ModerationTarget:
    return ModerationTarget(handle=handle, reason=body.reason if body else "")
