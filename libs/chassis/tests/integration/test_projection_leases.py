"""Replicas of one service: each projection is applied by the replica holding its lease while
the others stand by (their health says which and who runs it); read-your-writes holds for a
command served by a replica that does not run the projection; a clean stop hands the
projection over at once, and a ``kill -9`` of its holder within the lease's TTL, the new
holder going on from the database position so that every event is applied exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NATS
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.db import session_factory
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.health import replica_statuses
from parley.chassis.projections import wait_for_position
from parley.chassis.service import (
    Infrastructure,
    RunningService,
    ServiceDefinition,
    ServiceParts,
    start_service,
)
from parley.chassis.settings import ServiceSettings
from parley.contracts.routes import Routes
from parley.contracts.streams import StreamSpec
from parley.testing.counter import (
    CONTEXT,
    CounterIncremented,
    CounterProjection,
    applied_sequences,
    create_tables,
)
from parley.testing.processes import ServiceProcess

FAKE_SERVICES = Path(__file__).resolve().parent / "fake_service"
META = EventMetadata(correlation_id="cor_replicas")


class Bump(BaseModel):
    counter_id: str


class Bumped(BaseModel):
    seq: int
    visible: bool
    served_by: str


ROUTES = Routes(CONTEXT)
BUMP = ROUTES.command("bump", Bump, Bumped)


def counting(stream: StreamSpec) -> ServiceDefinition:
    async def build(infra: Infrastructure) -> ServiceParts:
        store = EventStore(infra.nc, stream=stream.name, context=CONTEXT)

        async def bump(payload: Bump, ctx: RequestContext) -> Bumped:
            _, version = await store.load(payload.counter_id)
            seq = await store.append(
                payload.counter_id,
                [CounterIncremented(counter_id=payload.counter_id)],
                expected_version=version,
                metadata=ctx.event_metadata(),
            )
            visible = await infra.positions.wait("counters", seq, timeout=5)
            return Bumped(seq=seq, visible=visible, served_by=infra.settings.instance_id)

        router = route_router()
        serve(router, BUMP, bump, queue="counting")
        return ServiceParts(routers=[router], projections=[(stream, CounterProjection(CONTEXT))])

    return ServiceDefinition("counting", streams=[stream], migrations=None, build=build)


Starter = Callable[[str], Awaitable[RunningService]]


@pytest.fixture
async def replica(
    nats_url: str, counter_stream: StreamSpec, engine: AsyncEngine
) -> AsyncIterator[Starter]:
    """Starts a replica of the counting service named ``instance``, all on one database."""
    await create_tables(engine)
    started: list[RunningService] = []
    stream = replace(counter_stream, owner="counting")

    async def start(instance: str) -> RunningService:
        settings = ServiceSettings(
            service_name="counting",
            nats_url=nats_url,
            database_url=engine.url.render_as_string(hide_password=False),
            instance_id=instance,
            lease_ttl_s=1.0,
            lease_renew_s=0.2,
        )
        running = await start_service(counting(stream), settings)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.stop()


def by_instance(statuses: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {status["instance"]: status for status in statuses}


async def test_one_replica_applies_the_other_stands_by_and_reads_its_writes(
    replica: Starter, nc: NATS, engine: AsyncEngine
) -> None:
    a = await replica("a")
    b = await replica("b")

    # Asked until both answer: under load a replica just started sometimes misses the first
    # health request (its subscription delivered nothing), and answers the next.
    statuses = await all_ready(nc, "counting", {"a", "b"})
    assert statuses["a"]["projections"] == {"counters": True}
    assert statuses["a"]["standby"] == {}
    assert statuses["b"]["projections"] == {"counters": False}
    assert statuses["b"]["standby"] == {"counters": "a"}
    assert statuses["a"]["ready"] is statuses["b"]["ready"] is True

    # The queue group spreads the commands over both; b answers only once a's runner applied.
    answers = [
        await a.infra.bus.call(BUMP, Bump(counter_id="c"), RequestContext("usr_1"))
        for _ in range(30)
    ]
    assert all(answer.visible for answer in answers)
    assert {answer.served_by for answer in answers} == {"a", "b"}
    assert await applied_sequences(engine) == [answer.seq for answer in answers]
    assert b.projections[0].keeper.state == "standby"


async def test_a_clean_stop_hands_the_projection_over_at_once(
    replica: Starter, nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    a = await replica("a")
    b = await replica("b")
    first = [await increment(store, n) for n in range(5)]
    assert await wait_for_position(session_factory(engine), "counters", first[-1], timeout=10)

    await a.stop()
    stopped = time.perf_counter()
    while True:
        if b.projections[0].runner.running:
            break
        await asyncio.sleep(0.01)
    handed_over = time.perf_counter() - stopped
    then = [await increment(store, n) for n in range(5, 10)]
    assert await b.infra.positions.wait("counters", then[-1], timeout=10)

    assert handed_over < 1.0  # the deleted lease woke b, not the TTL
    assert await applied_sequences(engine) == first + then
    (status,) = await replica_statuses(nc, "counting", expected=1, timeout_s=5)
    assert (status["instance"], status["projections"]) == ("b", {"counters": True})


async def increment(store: EventStore, n: int) -> int:
    return await store.append(
        f"c{n}", [CounterIncremented(counter_id=f"c{n}")], expected_version=0, metadata=META
    )


async def all_ready(
    nc: NATS, service: str, instances: set[str], timeout: float = 30.0
) -> dict[str, dict[str, Any]]:
    """Every replica's status once all of ``instances`` answer ready (a health request is
    answered by every replica, and a plain request takes the first answer only)."""
    deadline = time.perf_counter() + timeout
    while True:
        statuses = by_instance(
            await replica_statuses(nc, service, expected=len(instances), timeout_s=5)
        )
        if all(statuses.get(name, {}).get("ready") for name in instances):
            return statuses
        assert time.perf_counter() < deadline, f"not all ready: {statuses}"
        await asyncio.sleep(0.1)


@pytest.fixture
def counting_process(
    nats_url: str, tmp_path: Path, engine: AsyncEngine
) -> Callable[[str], ServiceProcess]:
    def make(instance: str) -> ServiceProcess:
        return ServiceProcess(
            "chassis_counting",
            module="chassis_counting_service",
            nats_url=nats_url,
            data_dir=tmp_path / f"data-{instance}",
            database_url=engine.url.render_as_string(hide_password=False),
            env={"PYTHONPATH": str(FAKE_SERVICES), "PARLEY_INSTANCE_ID": instance},
            log_file=tmp_path / f"{instance}.log",
        )

    return make


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_kill_9_of_the_holder_another_replica_goes_on_and_applies_each_event_once(
    counting_process: Callable[[str], ServiceProcess],
    nc: NATS,
    store: EventStore,
    engine: AsyncEngine,
) -> None:
    """With the default lease (3 s TTL, renewed every second), as ``parley up`` runs it."""
    await create_tables(engine)
    holder = counting_process("one").start()
    standby = counting_process("two")
    try:
        await holder.wait_until_ready()
        standby.start()
        statuses = await all_ready(nc, "chassis_counting", {"one", "two"})
        assert statuses["two"]["standby"] == {"counters": "one"}

        appended: list[int] = []

        async def append_steadily() -> None:
            for n in range(60):
                appended.append(await increment(store, n))
                await asyncio.sleep(0.05)

        appending = asyncio.create_task(append_steadily())
        await asyncio.sleep(1.0)
        holder.kill()  # SIGKILL: no lease released, nothing stopped
        killed = time.perf_counter()
        while True:
            statuses = await replica_statuses(nc, "chassis_counting", expected=1)
            if [status["projections"] for status in statuses] == [{"counters": True}]:
                break
            await asyncio.sleep(0.05)
        took_over = time.perf_counter() - killed
        await appending
        assert await wait_for_position(
            session_factory(engine), "counters", appended[-1], timeout=15
        )
    finally:
        holder.kill()
        if standby.process is not None:
            await standby.stop()

    print(f"\ntakeover after kill -9: {took_over:.2f}s")
    assert took_over < 3.0 + 2.0  # the TTL, then the standby's consumer from the position
    assert await applied_sequences(engine) == appended  # every event once, in order
    assert "lease.acquired" in standby.log
