"""``start_service`` in process: streams prepared, routes and health served, projections run,
read-your-writes through ``infra.positions``; a failing background job is logged; a start that
fails raises, and the next one is clean."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
import structlog
from nats.aio.client import Client as NATS
from pydantic import BaseModel

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.event_store import EventStore
from parley.chassis.service import (
    Infrastructure,
    ServiceDefinition,
    ServiceParts,
    health_subject,
    start_service,
)
from parley.chassis.settings import ServiceSettings
from parley.contracts.routes import Routes
from parley.contracts.streams import context_stream
from parley.testing.counter import (
    CONTEXT,
    CounterIncremented,
    CounterProjection,
    counter_rows,
    metadata,
)
from parley.testing.routes import route_subjects

STREAM = context_stream(CONTEXT.upper(), CONTEXT, owner="counting")


class Bump(BaseModel):
    counter_id: str


class Bumped(BaseModel):
    seq: int
    visible: bool


ROUTES = Routes(CONTEXT)
BUMP = ROUTES.command("bump", Bump, Bumped)


def counting(background_fails: bool = False, build_fails: bool = False) -> ServiceDefinition:
    async def build(infra: Infrastructure) -> ServiceParts:
        async with infra.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        if build_fails:
            raise RuntimeError("cannot build")
        store = EventStore(infra.nc, stream=STREAM.name, context=CONTEXT)

        async def bump(payload: Bump, ctx: RequestContext) -> Bumped:
            _, version = await store.load(payload.counter_id)
            seq = await store.append(
                payload.counter_id,
                [CounterIncremented(counter_id=payload.counter_id)],
                expected_version=version,
                metadata=ctx.event_metadata(),
            )
            return Bumped(seq=seq, visible=await infra.positions.wait("counters", seq))

        async def doomed_job() -> None:
            raise ValueError("the job broke")

        router = route_router()
        serve(router, BUMP, bump, queue="counting")
        return ServiceParts(
            routers=[router],
            projections=[(STREAM, CounterProjection(CONTEXT))],
            background=[doomed_job] if background_fails else [],
        )

    return ServiceDefinition("counting", streams=[STREAM], migrations=None, build=build)


@pytest.fixture
def settings(nats_url: str, tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(
        service_name="counting",
        nats_url=nats_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'counting.db'}",
    )


async def test_a_started_service_serves_its_routes_health_and_read_models(
    settings: ServiceSettings, nc: NATS
) -> None:
    running = await start_service(counting(), settings)
    try:
        answers = [
            await running.infra.bus.call(BUMP, Bump(counter_id="c"), RequestContext("usr_1"))
            for _ in range(3)
        ]
        health = await nc.request(health_subject("counting"), b"", timeout=2)
        rows = await counter_rows(running.infra.engine)
    finally:
        await running.stop()

    assert answers == [Bumped(seq=n, visible=True) for n in (1, 2, 3)]  # read-your-writes
    assert rows == [("c", 3, 3, 3)]
    assert json.loads(health.data) == {
        "service": "counting",
        "instance": settings.instance_id,
        "pid": os.getpid(),
        "ready": True,
        "projections": {"counters": True},
        "standby": {},
    }
    assert route_subjects(running.parts) == ROUTES.subjects()


async def test_a_failing_background_job_is_logged(settings: ServiceSettings) -> None:
    with structlog.testing.capture_logs() as logs:
        running = await start_service(counting(background_fails=True), settings)
        await asyncio.sleep(0.1)
        await running.stop()

    [failure] = [entry for entry in logs if entry["event"] == "service.background_failed"]
    assert failure["log_level"] == "error"
    assert failure["job"] == "doomed_job"


async def test_a_start_that_fails_raises_and_the_next_start_is_clean(
    settings: ServiceSettings,
) -> None:
    with pytest.raises(RuntimeError, match="cannot build"):
        await start_service(counting(build_fails=True), settings)

    running = await start_service(counting(), settings)  # the same name starts cleanly after
    try:
        bumped = await running.infra.bus.call(BUMP, Bump(counter_id="d"), RequestContext())
    finally:
        await running.stop()
    assert bumped.visible
