"""A service of the chassis with one projection, run as ``python -m chassis_counting_service``
by the replica tests: several processes of it share one database, and the projection runs in
whichever holds its lease. Appends come from the test; this service only projects them."""

from __future__ import annotations

from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts, run_service
from parley.contracts.streams import context_stream
from parley.testing.counter import CONTEXT, CounterProjection, create_tables

NAME = "chassis_counting"
STREAM = context_stream(CONTEXT.upper(), CONTEXT, owner=NAME)


async def build(infra: Infrastructure) -> ServiceParts:
    await create_tables(infra.engine)
    return ServiceParts(projections=[(STREAM, CounterProjection(CONTEXT))])


definition = ServiceDefinition(NAME, streams=[STREAM], migrations=None, build=build)

if __name__ == "__main__":
    run_service(definition)
