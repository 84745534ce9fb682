"""Two scheduling processes on one database, one of them stopped and started again between
arming and firing: each timer of each Space fires once (the replicas share the firings'
durable consumer), at the Space's time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nats.aio.client import Client as NATS

from parley.chassis.bus import BusClient, RequestContext
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


async def test_each_timer_fires_once_across_replicas_and_a_restart(
    private_nats: str, tmp_path: Path
) -> None:
    nc = await connect(private_nats, name="test")
    await ensure_stream(nc, streams.ROOM)  # room owns it; the test stands in for room
    broker = make_broker(private_nats, name="client")
    await broker.connect()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'scheduling.db'}"

    def replica(n: int) -> object:
        return service_process(
            "scheduling",
            nats_url=private_nats,
            data_dir=tmp_path / f"r{n}",
            database_url=database_url,
            env={**SHORT, "PARLEY_INSTANCE_ID": f"scheduling-{n}"},
        )

    try:
        bus = BusClient(broker, timeout=10)
        async with replica(1), replica(2) as second:  # type: ignore[attr-defined]
            await until_ready(nc, {"scheduling-1", "scheduling-2"})
            base = datetime.now(UTC) + timedelta(seconds=6)
            made = []
            for n in range(3):
                payload = api.ScheduleSpace(
                    title=f"Show {n}", scheduled_start=base + timedelta(seconds=n * 0.5)
                )
                made.append(await bus.call(api.SCHEDULE_SPACE, payload, RequestContext("usr_h")))
            assert await second.stop() == 0  # one replica goes away while the timers wait ...
            async with replica(2):  # ... and comes back
                await until_ready(nc, {"scheduling-1", "scheduling-2"})
                await asyncio.sleep(max(0.0, (base - datetime.now(UTC)).total_seconds()) + 4)

        store = EventStore(nc, stream=streams.SCHEDULING.name, context="scheduling")
        stored, _ = await store.load("usr_h")
        for space in made:
            events = [item.event for item in stored if item.event.space_id == space.id]  # type: ignore[attr-defined]
            due = [event for event in events if isinstance(event, ScheduledStartDue)]
            reminded = [event for event in events if isinstance(event, ReminderDue)]
            canceled = [event for event in events if isinstance(event, ScheduledSpaceCanceled)]
            assert len(due) == 1, events
            assert due[0].scheduled_start == space.scheduled_start
            assert len(reminded) == 1, events
            assert len(canceled) == 1, events
            assert canceled[0].reason == "auto"
            starts = [item for item in stored if isinstance(item.event, ScheduledStartDue)]
            assert all(item.envelope.occurred_at >= base for item in starts)
    finally:
        await broker.stop()
        await nc.close()
