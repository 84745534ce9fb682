"""A service's failures reach the client at once, through the gateway: a bug in a handler is a
500 problem without internals (not a wait for the bus timeout), a domain error keeps its status,
slug and detail.

The service here is a real one as far as the bus goes: a handler served on identity's declared
route with the chassis's ``serve`` (its problem middleware included), on a broker of its own.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from parley.chassis.bus import BusClient, RequestContext, route_router, serve
from parley.chassis.errors import DomainError, NotFound
from parley.chassis.messaging import make_broker
from parley.contracts.api import identity
from parley.contracts.api.identity import TargetUser, UserView

BUS_TIMEOUT_S = 5.0  # what a lost reply would cost
AT_ONCE_S = 1.0


async def get_user(payload: TargetUser, ctx: RequestContext) -> UserView:
    if payload.handle == "ghost":
        raise NotFound(f"nobody is called @{payload.handle}", type="user-not-found")
    raise RuntimeError("a bug in identity, with internals: /srv/identity/secret.py")


@pytest.fixture
async def failing_identity(nats_url: str) -> AsyncIterator[None]:
    router = route_router()
    serve(router, identity.GET_USER, get_user, queue="identity")
    broker = make_broker(nats_url, name="failing-identity")
    broker.include_router(router)
    await broker.start()
    yield
    await broker.stop()


async def test_a_bug_in_a_service_is_a_500_problem_at_once(
    failing_identity, start_gateway, assert_problem
):
    gateway = await start_gateway(bus_timeout_s=BUS_TIMEOUT_S)

    started = time.perf_counter()
    response = await gateway.client.get("/api/v1/users/bob")
    elapsed = time.perf_counter() - started

    body = assert_problem(response, 500, "internal-error")
    assert elapsed < AT_ONCE_S, f"answered after {elapsed:.2f} s"
    assert "secret" not in response.text
    assert "RuntimeError" not in response.text
    assert body["instance"] == "/api/v1/users/bob"


async def test_the_bus_client_gets_the_500_problem_at_once(failing_identity, nats_url):
    broker = make_broker(nats_url, name="caller")
    await broker.connect()
    try:
        started = time.perf_counter()
        with pytest.raises(DomainError) as raised:
            await BusClient(broker, timeout=BUS_TIMEOUT_S).call(
                identity.GET_USER, TargetUser(handle="bob"), RequestContext()
            )
        elapsed = time.perf_counter() - started
    finally:
        await broker.stop()

    assert (raised.value.status, raised.value.type) == (500, "internal-error")
    assert elapsed < AT_ONCE_S, f"answered after {elapsed:.2f} s"


async def test_a_domain_error_keeps_its_status_slug_and_detail(
    failing_identity, start_gateway, assert_problem
):
    gateway = await start_gateway(bus_timeout_s=BUS_TIMEOUT_S)

    response = await gateway.client.get("/api/v1/users/ghost")

    body = assert_problem(response, 404, "user-not-found")
    assert body["detail"] == "nobody is called @ghost"
    assert body["request_id"] == response.headers["x-request-id"]
