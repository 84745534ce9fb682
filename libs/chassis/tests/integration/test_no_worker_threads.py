"""A message handled by the chassis never leaves the event loop: FastStream runs every
synchronous piece of a subscriber (a decoder, a parser, a context parameter such as
``msg: NatsMessage``, whose resolver is a plain function) on a worker thread, one thread hop
per message. Routes (problems included) and policies must not have any."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio.to_thread
import pytest
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client as NATS
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.bus import BusClient, RequestContext, route_router, serve
from parley.chassis.db import chassis_tables, create_engine, session_factory
from parley.chassis.dead_letters import DeadLetters
from parley.chassis.errors import Conflict, DomainError
from parley.chassis.event_store import EventMetadata, EventStore, StoredEvent
from parley.chassis.messaging import ensure_stream, make_broker
from parley.chassis.policies import Policy, subscribe_policy
from parley.contracts import streams
from parley.contracts.events.identity import UserSuspended
from parley.contracts.routes import Routes


class Echo(BaseModel):
    text: str = Field(max_length=10)


ROUTES = Routes("threads")
ECHO = ROUTES.query("echo", Echo, Echo)
REFUSE = ROUTES.command("refuse", Echo, Echo)
ACTOR = RequestContext(actor="usr_threads")


@pytest.fixture
def thread_hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What ran on a worker thread (FastStream and FastDepends go through anyio for it)."""
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__qualname__", repr(func)))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return hops


@pytest.fixture
async def broker(nats_url: str) -> AsyncIterator[NatsBroker]:
    broker = make_broker(nats_url, "threads-test")
    yield broker
    await broker.stop()


async def test_routes_answer_without_a_worker_thread(
    broker: NatsBroker, thread_hops: list[str]
) -> None:
    async def echo(payload: Echo, ctx: RequestContext) -> Echo:
        return payload

    async def refuse(payload: Echo, ctx: RequestContext) -> Echo:
        raise Conflict("no", type="refused")

    router = route_router()
    serve(router, ECHO, echo, queue="threads")
    serve(router, REFUSE, refuse, queue="threads", max_in_flight=1)
    broker.include_router(router)
    await broker.start()
    client = BusClient(broker, timeout=5)

    answers = await asyncio.gather(*(client.call(ECHO, Echo(text=str(i)), ACTOR) for i in range(5)))
    with pytest.raises(Conflict):
        await client.call(REFUSE, Echo(text="x"), ACTOR)
    with pytest.raises(DomainError) as invalid:
        await client.call(ECHO, Echo.model_construct(text="far too long"), ACTOR)

    assert [answer.text for answer in answers] == ["0", "1", "2", "3", "4"]
    assert invalid.value.status == 422
    assert thread_hops == []


async def test_a_policy_handles_its_events_without_a_worker_thread(
    nc: NATS, broker: NatsBroker, sqlite_url: str, thread_hops: list[str]
) -> None:
    await ensure_stream(nc, streams.IDENTITY)
    store = EventStore(nc, stream=streams.IDENTITY.name, context="identity")
    engine = create_engine(sqlite_url)
    async with engine.begin() as connection:
        for table in chassis_tables().values():
            await connection.run_sync(table.create)
    sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
    reacted: list[str] = []

    async def react(event: UserSuspended, stored: StoredEvent) -> None:
        reacted.append(event.user_id)

    await broker.connect()
    router = NatsRouter()
    subscribe_policy(
        router,
        Policy("threads", UserSuspended, react),
        dead_letters=DeadLetters(sessions, broker.connection),
    )
    broker.include_router(router)
    try:
        await broker.start()
        for user in ("usr_1", "usr_2"):
            await store.append(
                user,
                [UserSuspended(user_id=user, moderator_id="usr_mod", reason="test")],
                expected_version=0,
                metadata=EventMetadata(correlation_id="cor_threads"),
            )
        for _ in range(500):
            if len(reacted) == 2:
                break
            await asyncio.sleep(0.02)
    finally:
        await engine.dispose()

    assert reacted == ["usr_1", "usr_2"]
    assert thread_hops == []
