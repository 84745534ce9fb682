"""Commands at most once per command id, over the bus: a repeat gets the first attempt's
outcome, a silent attempt is retried safely, an overloaded service refuses before applying
anything, and a caller is told when the outcome is unknown."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from pydantic import BaseModel

from parley.chassis.bus import START_BY_HEADER, BusClient, RequestContext, route_router, serve
from parley.chassis.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    OutcomeUnknown,
    ServiceUnavailable,
)
from parley.chassis.idempotency import COMMAND_ID_HEADER, CommandOutcomes
from parley.contracts.routes import PROBLEM_HEADER, Routes


class Order(BaseModel):
    item: str


class Placed(BaseModel):
    order_number: int


ROUTES = Routes("shop")
PLACE = ROUTES.command("place", Order, Placed)
SHOW = ROUTES.query("show", Order, Placed)


class Shop:
    """A handler that counts what it applied; it can be made slow or refusing."""

    def __init__(self, *, delay_s: float = 0.0, first_delay_s: float = 0.0) -> None:
        self.applied: list[str] = []
        self.delay_s = delay_s
        self.first_delay_s = first_delay_s

    async def place(self, payload: Order, ctx: RequestContext) -> Placed:
        delay = self.first_delay_s if not self.applied and self.first_delay_s else self.delay_s
        self.applied.append(payload.item)
        await asyncio.sleep(delay)
        if payload.item == "sold-out":
            raise Conflict("none left", type="sold-out")
        return Placed(order_number=len(self.applied))


async def open_shop(
    broker: NatsBroker, nc: NATS, shop: Shop, *, max_in_flight: int = 64
) -> CommandOutcomes:
    outcomes = await CommandOutcomes.open(nc, "shop")
    router = route_router()
    serve(router, PLACE, shop.place, queue="shop", outcomes=outcomes, max_in_flight=max_in_flight)
    broker.include_router(router)
    await broker.start()
    await broker.connection.flush()  # subscribed before another connection sends
    return outcomes


async def test_a_repeat_with_the_same_command_id_gets_the_first_outcome(
    broker: NatsBroker, nc: NATS
) -> None:
    shop = Shop()
    await open_shop(broker, nc, shop)
    client = BusClient(broker)
    ctx = RequestContext(actor="usr_1", command_id="usr_1:key-1")

    first = await client.call(PLACE, Order(item="tea"), ctx)
    again = await client.call(PLACE, Order(item="tea"), ctx)
    other = await client.call(PLACE, Order(item="tea"), RequestContext(actor="usr_1"))

    assert first == again == Placed(order_number=1)
    assert other == Placed(order_number=2)  # no key: a command of its own
    assert shop.applied == ["tea", "tea"]


async def test_a_refusal_is_answered_again_without_running_twice(
    broker: NatsBroker, nc: NATS
) -> None:
    shop = Shop()
    await open_shop(broker, nc, shop)
    client = BusClient(broker)
    ctx = RequestContext(command_id="anonymous:k")

    refusals = []
    for _ in range(2):
        with pytest.raises(Conflict) as refused:
            await client.call(PLACE, Order(item="sold-out"), ctx)
        refusals.append(refused.value.type)

    assert refusals == ["sold-out", "sold-out"]
    assert shop.applied == ["sold-out"]


async def test_a_key_reused_for_another_request_is_refused(broker: NatsBroker, nc: NATS) -> None:
    shop = Shop()
    await open_shop(broker, nc, shop)
    client = BusClient(broker)
    ctx = RequestContext(command_id="usr_1:k")
    await client.call(PLACE, Order(item="tea"), ctx)

    with pytest.raises(InvalidInput) as refused:
        await client.call(PLACE, Order(item="coffee"), ctx)

    assert refused.value.type == "idempotency-key-reused"
    assert shop.applied == ["tea"]


async def test_a_silent_attempt_is_retried_and_the_retry_gets_its_outcome(
    broker: NatsBroker, nc: NATS
) -> None:
    shop = Shop(first_delay_s=1.0)  # the first attempt outlives the caller's patience
    await open_shop(broker, nc, shop)
    client = BusClient(broker, timeout=3.0, attempt_timeout=0.3, start_within=0.2)

    placed = await client.call(PLACE, Order(item="tea"), RequestContext(actor="usr_1"))

    assert placed == Placed(order_number=1)
    assert shop.applied == ["tea"]  # the retry waited for the first attempt, ran nothing


async def test_a_request_that_could_not_start_in_time_is_refused_and_not_applied(
    broker: NatsBroker, nc: NATS
) -> None:
    shop = Shop()
    await open_shop(broker, nc, shop)

    for _ in range(100):  # (until the server has the shop's subscription)
        try:
            reply = await nc.request(
                PLACE.subject,
                b'{"item": "tea"}',
                timeout=2,
                headers={START_BY_HEADER: f"{time.time() - 1:.3f}", COMMAND_ID_HEADER: "late"},
            )
            break
        except NoRespondersError:
            await asyncio.sleep(0.02)

    assert reply.headers
    assert reply.headers[PROBLEM_HEADER] == "503"
    assert json.loads(reply.data)["type"] == "overloaded"
    assert shop.applied == []
    # ... and nothing of it was remembered: sent again in time, it runs
    placed = await BusClient(broker).call(
        PLACE, Order(item="tea"), RequestContext(command_id="late")
    )
    assert placed == Placed(order_number=1)


async def test_a_burst_beyond_capacity_is_refused_before_anything_is_applied(
    broker: NatsBroker, nc: NATS
) -> None:
    shop = Shop(delay_s=0.2)
    await open_shop(broker, nc, shop, max_in_flight=2)
    client = BusClient(broker, timeout=2.0, attempt_timeout=1.0, start_within=0.5)

    async def place(n: int) -> str:
        try:
            await client.call(PLACE, Order(item=f"order-{n}"), RequestContext(actor="usr_1"))
        except DomainError as refusal:
            return refusal.type
        return "placed"

    answers = await asyncio.gather(*(place(n) for n in range(20)))

    placed = {f"order-{n}" for n, answer in enumerate(answers) if answer == "placed"}
    print(
        f"\nburst of 20 on 2 slots: {answers.count('placed')} placed, "
        f"{answers.count('overloaded')} refused (overloaded), applied {len(shop.applied)}"
    )
    assert set(answers) == {"placed", "overloaded"}  # refused in time, never "unknown"
    assert set(shop.applied) == placed  # every success applied, every refusal applied nothing
    assert len(shop.applied) == len(placed)


async def test_no_answer_at_all_is_an_unknown_outcome_for_a_command_only(
    broker: NatsBroker, nc: NATS
) -> None:
    async def ignore(msg: object) -> None:
        pass

    await nc.subscribe(PLACE.subject, cb=ignore)
    await nc.subscribe(SHOW.subject, cb=ignore)
    await nc.flush()
    await broker.start()
    client = BusClient(broker, timeout=0.6, attempt_timeout=0.25)

    with pytest.raises(OutcomeUnknown) as unknown:
        await client.call(PLACE, Order(item="tea"), RequestContext())
    with pytest.raises(ServiceUnavailable):
        await client.call(SHOW, Order(item="tea"), RequestContext())
    assert unknown.value.status == 504
    assert "same Idempotency-Key" in unknown.value.detail


async def test_a_repeat_refused_as_overloaded_after_a_silent_attempt_is_an_unknown_outcome(
    broker: NatsBroker, nc: NATS
) -> None:
    """The first attempt ran but its answer never came; every repeat is refused before it
    starts (the service is too busy): the caller must not be told "nothing was applied"."""
    attempts: list[str] = []

    async def busy_after_the_first(msg: Msg) -> None:
        attempts.append(msg.headers.get(COMMAND_ID_HEADER, "") if msg.headers else "")
        if len(attempts) == 1:
            return  # applied, the answer lost
        problem = {"type": "overloaded", "title": "Overloaded", "status": 503, "detail": "busy"}
        await nc.publish(msg.reply, json.dumps(problem).encode(), headers={PROBLEM_HEADER: "1"})

    await nc.subscribe(PLACE.subject, cb=busy_after_the_first)
    await nc.flush()
    await broker.start()
    client = BusClient(broker, timeout=1.5, attempt_timeout=0.3)

    with pytest.raises(OutcomeUnknown):
        await client.call(PLACE, Order(item="tea"), RequestContext())
    assert len(attempts) >= 3  # asked again while the budget lasted
    assert len(set(attempts)) == 1  # always the same command


async def test_an_overloaded_refusal_of_a_first_attempt_still_says_nothing_was_applied(
    broker: NatsBroker, nc: NATS
) -> None:
    async def busy(msg: Msg) -> None:
        problem = {"type": "overloaded", "title": "Overloaded", "status": 503, "detail": "busy"}
        await nc.publish(msg.reply, json.dumps(problem).encode(), headers={PROBLEM_HEADER: "1"})

    await nc.subscribe(PLACE.subject, cb=busy)
    await nc.flush()
    await broker.start()
    client = BusClient(broker, timeout=1.5, attempt_timeout=0.3)

    with pytest.raises(ServiceUnavailable) as refused:
        await client.call(PLACE, Order(item="tea"), RequestContext())
    assert refused.value.type == "overloaded"
