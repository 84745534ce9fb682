"""An authenticated no-op through the whole path: the gateway verifies the token, asks identity
over the bus, identity answers without touching storage. What any request costs at least (the
benchmarks' floor)."""

from __future__ import annotations

from litestar import Controller, get

from parley.contracts.api import identity
from parley.contracts.api.identity import Empty, Pong
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses


class PingController(Controller):
    path = "/api/v1/ping"
    tags = ["accounts"]
    guards = [requires_login]

    @get(operation_id="ping", responses=problem_responses(401, 503))
    async def ping(self, bus: BusDep, ctx: ContextDep) -> Pong:
        """Who is asking, answered by identity without reading anything: a round trip through
        gateway, bus and a service with no work of its own."""
        return await bus.call(identity.PING, Empty(), ctx)
