"""The caller's own profile."""

from __future__ import annotations

from litestar import Controller, get, patch
from litestar.params import JSONBody

from parley.contracts.api import identity
from parley.contracts.api.identity import Empty, UpdateProfile, UserView
from parley.gateway.accounts.schemas import UpdateMeBody
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [requires_login]

    @get(operation_id="getMe", responses=problem_responses(401, 404, 503))
    async def get_me(self, bus: BusDep, ctx: ContextDep) -> UserView:
        """The caller's profile."""
        return await bus.call(identity.GET_ME, Empty(), ctx)

    @patch(operation_id="updateMe", responses=problem_responses(401, 403, 404, 409, 413, 422, 503))
    async def update_me(
        self, data: JSONBody[UpdateMeBody], bus: BusDep, ctx: ContextDep
    ) -> UserView:
        """Change the caller's display name and/or bio; absent fields stay as they are."""
        return await bus.call(identity.UPDATE_PROFILE, UpdateProfile(**data.model_dump()), ctx)
