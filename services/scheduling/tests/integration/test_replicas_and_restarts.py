"""Two scheduling processes on one database, one of them stopped and started again between
arming and firing, and nats-server killed and started again while the timers wait: each timer
of each Space fires once (the replicas share the firings' durable consumer), at the Space's
time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.embedded_nats import EmbeddedNats, find_nats_server
from parley.chassis.event_store import EventStore
from parley.chassis.health import replica_statuses
from parley.chassis.messaging import connect, ensure_stream, make_broker
from parley.contracts import streams
from parley.contracts.api import scheduling as api
from parley.contracts.events.scheduling import (
    ReminderDue,
    ScheduledSpaceCanceled,
    ScheduledStartDue,
)
from parley.testing.processes import service_process


async def until_ready(nc: NATS, instances: set[str], timeout: float = 60.0) -> None:
    """Every named replica answers its health request ready (any replica answers the
    service's, so one being ready says nothing of the other)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        statuses = await replica_statuses(nc, "scheduling", expected=len(instances), timeout_s=2)
        if {status["instance"] for status in statuses if status["ready"]} >= instances:
            return
        assert asyncio.get_running_loop().time() < deadline, statuses
        await asyncio.sleep(0.2)


SHORT = {
    "PARLEY_SCHEDULING_MIN_LEAD_S": "0",
    "PARLEY_SCHEDULING_HOST_REMINDERS_S": "1",
    "PARLEY_SCHEDULING_AUTO_CANCEL_S": "1",
    "PARLEY_LEASE_TTL_S": "1",
    "PARLEY_LEASE_RENEW_S": "0.2",
}


@pytest.fixture
def restartable_nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server this test kills and starts again on the same port and store."""
    try:
        find_nats_server()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    server = EmbeddedNats(tmp_path / "nats").start()
    yield server
    server.stop()


ON_TIME_S = 1.5  # the server checks due schedules in rounds (ADR 19)


async def test_each_timer_fires_once_across_replicas_and_restarts(
    restartable_nats: EmbeddedNats, tmp_path: Path
) -> None:
    url = restartable_nats.url
    nc = await connect(url, name="test")
    await ensure_stream(nc, streams.ROOM)  # room owns it; the test stands in for room
    broker = make_broker(url, name="client")
    await broker.connect()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'scheduling.db'}"

    def replica(n: int) -> object:
        return service_process(
            "scheduling",
            nats_url=url,
            data_dir=tmp_path / f"r{n}",
            database_url=database_url,
            env={**SHORT, "PARLEY_INSTANCE_ID": f"scheduling-{n}"},
        )

    try:
        bus = BusClient(broker, timeout=10)
        async with replica(1), replica(2) as second:  # type: ignore[attr-defined]
            await until_ready(nc, {"scheduling-1", "scheduling-2"})
            base = datetime.now(UTC) + timedelta(seconds=8)
            made = []
            for n in range(3):
                payload = api.ScheduleSpace(
                    title=f"Show {n}", scheduled_start=base + timedelta(seconds=n * 0.5)
                )
                made.append(await bus.call(api.SCHEDULE_SPACE, payload, RequestContext("usr_h")))
            assert await second.stop() == 0  # one replica goes away while the timers wait ...
            assert restartable_nats.process is not None  # ... nats-server dies (kill -9) ...
            restartable_nats.process.kill()
            restartable_nats.process.wait()
            restartable_nats.stop()
            await asyncio.sleep(1.0)
            restartable_nats.start()  # ... and comes back on the same store, as does the replica
            async with replica(2):
                await until_ready(nc, {"scheduling-1", "scheduling-2"})
                await asyncio.sleep(max(0.0, (base - datetime.now(UTC)).total_seconds()) + 5)

        store = EventStore(nc, stream=streams.SCHEDULING.name, context="scheduling")
        stored, _ = await store.load("usr_h")
        for space in made:
            of_space = [item for item in stored if item.event.space_id == space.id]  # type: ignore[attr-defined]
            events = [item.event for item in of_space]
            due = [item for item in of_space if isinstance(item.event, ScheduledStartDue)]
            reminded = [event for event in events if isinstance(event, ReminderDue)]
            canceled = [event for event in events if isinstance(event, ScheduledSpaceCanceled)]
            assert len(due) == 1, events
            assert due[0].event.scheduled_start == space.scheduled_start  # type: ignore[attr-defined]
            assert space.scheduled_start is not None
            late = (due[0].envelope.occurred_at - space.scheduled_start).total_seconds()
            assert 0 <= late <= ON_TIME_S, late  # on time
            assert len(reminded) == 1, events
            assert len(canceled) == 1, events
            assert canceled[0].reason == "auto"
    finally:
        await broker.stop()
        await nc.close()
