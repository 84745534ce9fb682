"""A service of the chassis and nothing else, run as ``python -m chassis_fake_service`` by the
process tests: one route that echoes, served through ``run_service``."""

from __future__ import annotations

from pydantic import BaseModel

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts, run_service
from parley.contracts.routes import Routes

NAME = "chassis_fake"


class Echo(BaseModel):
    text: str


ROUTES = Routes("chassisfake")
ECHO = ROUTES.query("echo", Echo, Echo)


async def echo(payload: Echo, ctx: RequestContext) -> Echo:
    return Echo(text=f"{payload.text} from {ctx.actor}")


async def build(infra: Infrastructure) -> ServiceParts:
    router = route_router()
    serve(router, ECHO, echo, queue=NAME)
    return ServiceParts(routers=[router])


if __name__ == "__main__":
    run_service(ServiceDefinition(NAME, streams=(), migrations=None, build=build))
