"""Commands over NATS request/reply on FastStream, domain errors across the wire, and one trace
from the request through the command and its event into a projection."""

from __future__ import annotations

import asyncio
import time

import pytest
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client as NATS
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.bus import BusClient, RequestContext, route_router, serve
from parley.chassis.db import session_factory
from parley.chassis.decider import execute
from parley.chassis.errors import Conflict, DomainError, InvalidInput, ServiceUnavailable
from parley.chassis.event_store import EventStore
from parley.chassis.projections import ProjectionRunner, RunnerOptions, wait_for_position
from parley.chassis.tracing import configure_tracing, tracer
from parley.contracts.routes import Routes
from parley.testing.counter import (
    CONTEXT,
    CounterProjection,
    Increment,
    counter_decider,
    create_tables,
)


class IncrementPayload(BaseModel):
    counter_id: str = Field(pattern=r"^[a-z0-9]+$")
    by: int = Field(default=1, ge=1, le=10)


class Counted(BaseModel):
    value: int
    version: int
    actor: str | None


ROUTES = Routes(CONTEXT)
INCREMENT = ROUTES.command("increment", IncrementPayload, Counted)
EXPLODE = ROUTES.command("explode", IncrementPayload, Counted)
REFUSE = ROUTES.query("refuse", IncrementPayload, Counted)
WAIT_FOR_COMPANY = Routes("concurrency").query("wait_for_company", IncrementPayload, int)


def counter_router(store: EventStore) -> NatsRouter:
    router = route_router()

    async def increment(payload: IncrementPayload, ctx: RequestContext) -> Counted:
        outcome = await execute(
            store,
            counter_decider,
            payload.counter_id,
            Increment(payload.counter_id, payload.by),
            ctx.event_metadata(),
        )
        return Counted(value=outcome.state.value, version=outcome.version, actor=ctx.actor)

    async def explode(payload: IncrementPayload, ctx: RequestContext) -> Counted:
        raise ZeroDivisionError("a bug")

    async def refuse(payload: IncrementPayload, ctx: RequestContext) -> Counted:
        raise Conflict("closed for the day", type="counter-closed")

    serve(router, INCREMENT, increment, queue="counters")
    serve(router, EXPLODE, explode, queue="counters")
    serve(router, REFUSE, refuse, queue="counters")
    return router


async def serving(broker: NatsBroker, *routers: NatsRouter, timeout: float = 2) -> BusClient:
    for router in routers:
        broker.include_router(router)
    await broker.start()
    return BusClient(broker, timeout=timeout)


@pytest.fixture
async def client(broker: NatsBroker, store: EventStore) -> BusClient:
    return await serving(broker, counter_router(store))


async def test_a_command_returns_its_typed_result_with_the_actor(
    client: BusClient, store: EventStore
) -> None:
    ctx = RequestContext(actor="usr_1")
    first = await client.call(INCREMENT, IncrementPayload(counter_id="a", by=2), ctx)
    second = await client.call(INCREMENT, IncrementPayload(counter_id="a"), ctx)

    assert first == Counted(value=2, version=1, actor="usr_1")
    assert second.value == 3
    assert second.actor == "usr_1"
    events, _ = await store.load("a")
    assert [item.envelope.actor for item in events] == ["usr_1", "usr_1"]
    assert events[0].envelope.correlation_id == ctx.correlation_id


async def test_bad_payload_is_invalid_input_and_changes_nothing(
    client: BusClient, store: EventStore
) -> None:
    unchecked = IncrementPayload.model_construct(counter_id="A B", by=99)  # not validated here
    with pytest.raises(InvalidInput) as raised:
        await client.call(INCREMENT, unchecked, RequestContext())

    assert raised.value.status == 422
    assert "counter_id" in raised.value.detail
    assert "by" in raised.value.detail
    assert await store.load("A B".replace(" ", "")) == ([], 0)


async def test_domain_errors_cross_the_wire_with_status_and_slug(client: BusClient) -> None:
    with pytest.raises(Conflict) as raised:
        await client.call(REFUSE, IncrementPayload(counter_id="a"), RequestContext())

    assert raised.value.to_problem() == {
        "type": "counter-closed",
        "title": "Conflicts with the current state",
        "status": 409,
        "detail": "closed for the day",
    }


async def test_a_handler_bug_is_a_500_problem_not_a_hang(
    broker: NatsBroker, store: EventStore
) -> None:
    client = await serving(broker, counter_router(store), timeout=5)
    started = time.perf_counter()
    with pytest.raises(DomainError) as raised:
        await client.call(EXPLODE, IncrementPayload(counter_id="a"), RequestContext())

    assert time.perf_counter() - started < 1.0  # answered at once, not after the 5 s timeout
    assert raised.value.status == 500
    assert raised.value.type == "internal-error"
    assert "a bug" not in raised.value.detail  # no internals leak to callers


async def test_nobody_answering_is_service_unavailable(broker: NatsBroker) -> None:
    client = await serving(broker, timeout=0.5)
    nobody = Routes("nosuch").command("thing", IncrementPayload, int)

    with pytest.raises(ServiceUnavailable):
        await client.call(nobody, IncrementPayload(counter_id="x"), RequestContext())


def ancestors(span: ReadableSpan, spans: list[ReadableSpan]) -> list[int]:
    """Span ids from ``span``'s parent up to its trace's root, as recorded."""
    by_id = {s.context.span_id: s for s in spans if s.context is not None}
    chain: list[int] = []
    parent = span.parent
    while parent is not None:
        chain.append(parent.span_id)
        above = by_id.get(parent.span_id)
        parent = above.parent if above is not None else None
    return chain


async def test_request_command_event_and_projection_form_one_trace(
    nc: NATS, client: BusClient, store: EventStore, engine: AsyncEngine
) -> None:
    exporter = InMemorySpanExporter()
    provider = configure_tracing("chassis-test")  # recording, for the exporter added here
    assert provider is not None
    provider.add_span_processor(SimpleSpanProcessor(exporter))
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
            result = await client.call(
                INCREMENT, IncrementPayload(counter_id="t"), RequestContext()
            )
        assert await wait_for_position(sessions, "counters", result.version, timeout=5)
    finally:
        await runner.stop()

    trace_id = root.get_span_context().trace_id
    root_id = root.get_span_context().span_id
    spans = list(exporter.get_finished_spans())
    in_trace = [s for s in spans if s.context is not None and s.context.trace_id == trace_id]
    names = {span.name for span in in_trace}
    handled = [
        s
        for s in in_trace
        if s.name == f"{INCREMENT.subject} process" and s.kind is SpanKind.CONSUMER
    ]
    assert len(handled) == 1, names  # FastStream's server span of the command
    assert root_id in ancestors(handled[0], spans)  # a child of the caller's span, not a sibling
    projected = [s for s in in_trace if s.name == "project counters"]
    assert len(projected) == 1, names  # the consumer span, continued from the event
    assert projected[0].kind is SpanKind.CONSUMER
    assert handled[0].context.span_id in ancestors(projected[0], spans)  # caused by the command
    events, _ = await store.load("t")
    assert events[0].envelope.trace_context.traceparent is not None
    assert f"{trace_id:032x}" in events[0].envelope.trace_context.traceparent


async def test_requests_of_one_route_are_answered_concurrently(broker: NatsBroker) -> None:
    router = route_router()
    arrived = 0
    all_in = asyncio.Event()

    async def wait_for_company(payload: IncrementPayload, ctx: RequestContext) -> int:
        nonlocal arrived
        arrived += 1
        if arrived == 5:
            all_in.set()
        await asyncio.wait_for(all_in.wait(), timeout=5)  # a serial server never gets here
        return arrived

    serve(router, WAIT_FOR_COMPANY, wait_for_company, queue="concurrency")
    client = await serving(broker, router, timeout=10)

    answers = await asyncio.gather(
        *(
            client.call(WAIT_FOR_COMPANY, IncrementPayload(counter_id="x"), RequestContext())
            for _ in range(5)
        )
    )

    assert answers == [5, 5, 5, 5, 5]
