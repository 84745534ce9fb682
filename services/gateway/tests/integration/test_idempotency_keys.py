"""``Idempotency-Key`` through the gateway: a retried command gets the first attempt's outcome
(never a second effect), a key reused for another request or malformed is refused, and a
command whose answer never came is a 504 that says its outcome is unknown.

The service is a real one as far as the bus goes: identity's register route served with the
chassis's ``serve`` and a command-outcome store in NATS KV, on a broker of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.idempotency import CommandOutcomes
from parley.chassis.messaging import connect, make_broker
from parley.contracts.api import identity
from parley.contracts.api.identity import Register, Registered, UserView


class CountingIdentity:
    def __init__(self) -> None:
        self.registered: list[str] = []

    async def register(self, payload: Register, ctx: RequestContext) -> Registered:
        self.registered.append(payload.handle)
        user = UserView(id=f"usr_{len(self.registered)}", handle=payload.handle, display_name="A")
        return Registered(user=user, access_token="not-a-real-token", expires_in=60)


@pytest.fixture
async def counting_identity(nats_url: str) -> AsyncIterator[CountingIdentity]:
    service = CountingIdentity()
    broker = make_broker(nats_url, name="counting-identity")
    await broker.connect()
    outcomes = await CommandOutcomes.open(broker.connection, "identity_idempotency_test")
    router = route_router()
    serve(router, identity.REGISTER, service.register, queue="identity", outcomes=outcomes)
    broker.include_router(router)
    await broker.start()
    yield service
    await broker.stop()


SIGN_UP = {"handle": "ada", "display_name": "Ada", "password": "correct horse battery"}


async def test_a_retry_with_the_same_key_gets_the_first_outcome(counting_identity, start_gateway):
    gateway = await start_gateway()
    headers = {"Idempotency-Key": '"8e03978e-40d5-43e8-bc93-6894a57f9324"'}

    first = await gateway.client.post("/api/v1/auth/register", json=SIGN_UP, headers=headers)
    again = await gateway.client.post("/api/v1/auth/register", json=SIGN_UP, headers=headers)
    unkeyed = await gateway.client.post("/api/v1/auth/register", json=SIGN_UP)

    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["user"] == again.json()["user"] == {**first.json()["user"], "id": "usr_1"}
    assert unkeyed.json()["user"]["id"] == "usr_2"  # no key: a command of its own
    assert counting_identity.registered == ["ada", "ada"]


async def test_a_key_reused_for_another_request_is_refused(
    counting_identity, start_gateway, assert_problem
):
    gateway = await start_gateway()
    headers = {"Idempotency-Key": "key-1"}
    await gateway.client.post("/api/v1/auth/register", json=SIGN_UP, headers=headers)

    other = {**SIGN_UP, "handle": "grace"}
    response = await gateway.client.post("/api/v1/auth/register", json=other, headers=headers)

    assert_problem(response, 422, "idempotency-key-reused")
    assert counting_identity.registered == ["ada"]


@pytest.mark.parametrize("key", ["", "two words", "x" * 256, "caf\u00e9"])
async def test_a_malformed_key_is_a_400_and_changes_nothing(
    counting_identity, start_gateway, assert_problem, key
):
    gateway = await start_gateway()
    response = await gateway.client.post(
        "/api/v1/auth/register",
        json=SIGN_UP,
        headers=[("Idempotency-Key", key.encode("utf-8"))],  # type: ignore[list-item]
    )

    assert_problem(response, 400, "invalid-idempotency-key")
    assert counting_identity.registered == []


@pytest.fixture
async def silent_identity(nats_url: str) -> AsyncIterator[NATS]:
    """Takes every sign-up and never answers (a replica stuck, or dying with it)."""
    nc = await connect(nats_url, name="silent-identity")

    async def swallow(msg: object) -> None:
        await asyncio.sleep(0)

    await nc.subscribe(identity.REGISTER.subject, queue="identity", cb=swallow)
    await nc.flush()
    yield nc
    await nc.close()


async def test_no_answer_is_a_504_outcome_unknown_with_retry_after(
    silent_identity, start_gateway, assert_problem
):
    gateway = await start_gateway(bus_timeout_s=0.8)

    response = await gateway.client.post(
        "/api/v1/auth/register", json=SIGN_UP, headers={"Idempotency-Key": "k"}
    )

    body = assert_problem(response, 504, "outcome-unknown")
    assert "same Idempotency-Key" in body["detail"]
    assert response.headers["Retry-After"] == "1"


async def test_nobody_serving_is_a_503_nothing_applied_with_retry_after(
    start_gateway, assert_problem
):
    gateway = await start_gateway(bus_timeout_s=0.5)

    response = await gateway.client.post("/api/v1/auth/register", json=SIGN_UP)

    body = assert_problem(response, 503, "service-unavailable")
    assert "nothing was applied" in body["detail"]
    assert response.headers["Retry-After"] == "1"


async def test_commands_document_the_key_and_the_unknown_outcome(start_gateway):
    gateway = await start_gateway()
    document = (await gateway.client.get("/api/v1/openapi.json")).json()

    register = document["paths"]["/api/v1/auth/register"]["post"]
    get_me = document["paths"]["/api/v1/me"]["get"]

    assert "Idempotency-Key" in [p["name"] for p in register.get("parameters", [])]
    assert {"400", "409", "422", "504"} <= set(register["responses"])
    assert "Idempotency-Key" not in [p["name"] for p in get_me.get("parameters", [])]
