"""Commands over NATS request/reply, domain errors across the wire, and one trace from the
request through the command and its event into a projection."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.aio.client import Client as NATS
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.bus import BusClient, BusRouter, RequestContext, serve
from parley.chassis.db import session_factory
from parley.chassis.decider import execute
from parley.chassis.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable
from parley.chassis.event_store import EventStore
from parley.chassis.projections import ProjectionRunner, RunnerOptions, wait_for_position
from parley.chassis.tracing import configure_tracing, tracer
from parley.testing.counter import (
    CounterProjection,
    Increment,
    counter_decider,
    create_tables,
)


class IncrementPayload(BaseModel):
    counter_id: str = Field(pattern=r"^[a-z0-9]+$")
    by: int = Field(default=1, ge=1, le=10)


def counter_router(store: EventStore) -> BusRouter:
    router = BusRouter(store.context)

    @router.command("increment", IncrementPayload)
    async def increment(payload: IncrementPayload, ctx: RequestContext) -> dict[str, Any]:
        outcome = await execute(
            store,
            counter_decider,
            payload.counter_id,
            Increment(payload.counter_id, payload.by),
            ctx.event_metadata(),
        )
        return {"value": outcome.state.value, "version": outcome.version, "actor": ctx.actor}

    @router.command("explode", IncrementPayload)
    async def explode(payload: IncrementPayload, ctx: RequestContext) -> None:
        raise ZeroDivisionError("a bug")

    @router.query("refuse", IncrementPayload)
    async def refuse(payload: IncrementPayload, ctx: RequestContext) -> None:
        raise Conflict("closed for the day", type="counter-closed")

    return router


@pytest.fixture
async def client(nc: NATS, store: EventStore) -> BusClient:
    await serve(nc, counter_router(store), queue="counters")
    return BusClient(nc, timeout=2)


async def test_a_command_returns_its_typed_result_with_the_actor(
    client: BusClient, store: EventStore
) -> None:
    ctx = RequestContext(actor="usr_1")
    first = await client.command(store.context, "increment", {"counter_id": "a", "by": 2}, ctx)
    second = await client.command(store.context, "increment", {"counter_id": "a"}, ctx)

    assert first["value"] == 2
    assert second["value"] == 3
    assert second["actor"] == "usr_1"
    events, _ = await store.load("a")
    assert [item.envelope.actor for item in events] == ["usr_1", "usr_1"]
    assert events[0].envelope.correlation_id == ctx.correlation_id


async def test_bad_payload_is_invalid_input_and_changes_nothing(
    client: BusClient, store: EventStore
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await client.command(
            store.context, "increment", {"counter_id": "A B", "by": 99}, RequestContext()
        )

    assert raised.value.status == 422
    assert "counter_id" in raised.value.detail
    assert "by" in raised.value.detail
    assert await store.load("A B".replace(" ", "")) == ([], 0)


async def test_domain_errors_cross_the_wire_with_status_and_slug(
    client: BusClient, store: EventStore
) -> None:
    with pytest.raises(Conflict) as raised:
        await client.query(store.context, "refuse", {"counter_id": "a"}, RequestContext())

    assert raised.value.to_problem() == {
        "type": "counter-closed",
        "title": "Conflicts with the current state",
        "status": 409,
        "detail": "closed for the day",
    }


async def test_a_handler_bug_is_a_500_problem_not_a_hang(
    client: BusClient, store: EventStore
) -> None:
    with pytest.raises(DomainError) as raised:
        await client.command(store.context, "explode", {"counter_id": "a"}, RequestContext())

    assert raised.value.status == 500
    assert "a bug" not in raised.value.detail  # no internals leak to callers


async def test_nobody_answering_is_service_unavailable(nc: NATS) -> None:
    with pytest.raises(ServiceUnavailable):
        await BusClient(nc, timeout=0.5).command("nosuch", "thing", {}, RequestContext())


async def test_request_command_event_and_projection_form_one_trace(
    nc: NATS, client: BusClient, store: EventStore, engine: AsyncEngine
) -> None:
    exporter = InMemorySpanExporter()
    configure_tracing("chassis-test").add_span_processor(SimpleSpanProcessor(exporter))
    await create_tables(engine)
    sessions = session_factory(engine)
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=RunnerOptions(batch_size=10),
    )
    await runner.start()
    try:
        with tracer("test").start_as_current_span("POST /counters/t/increment") as root:
            result = await client.command(
                store.context, "increment", {"counter_id": "t"}, RequestContext()
            )
        assert await wait_for_position(sessions, "counters", result["version"], timeout=5)
    finally:
        await runner.stop()

    trace_id = root.get_span_context().trace_id
    names = {
        span.name
        for span in exporter.get_finished_spans()
        if span.context is not None and span.context.trace_id == trace_id
    }
    assert f"cmd.{store.context}.increment" in names  # the bus server span
    assert "project counters" in names  # the consumer span, continued from the event
    events, _ = await store.load("t")
    assert events[0].envelope.trace_context.traceparent is not None
    assert f"{trace_id:032x}" in events[0].envelope.trace_context.traceparent


async def test_requests_of_one_route_are_answered_concurrently(nc: NATS) -> None:
    router = BusRouter("concurrency")
    arrived = 0
    all_in = asyncio.Event()

    @router.query("wait_for_company", IncrementPayload)
    async def wait_for_company(payload: IncrementPayload, ctx: RequestContext) -> int:
        nonlocal arrived
        arrived += 1
        if arrived == 5:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), timeout=5)  # a serial server never gets here
        return arrived

    await serve(nc, router, queue="concurrency")
    client = BusClient(nc, timeout=10)

    answers = await asyncio.gather(
        *(
            client.query("concurrency", "wait_for_company", {"counter_id": "x"}, RequestContext())
            for _ in range(5)
        )
    )

    assert answers == [5, 5, 5, 5, 5]
