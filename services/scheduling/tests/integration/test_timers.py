"""The Spaces' timers on a real nats-server (JetStream message schedules), with short settings:
each fires once at the Space's current time, a new time replaces the old timers, a cancel or a
start disarms them, a Space not started in time is canceled automatically."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.messaging import connect
from parley.chassis.service import RunningService
from parley.chassis.timers import Timers
from parley.contracts import streams
from parley.contracts.api import scheduling as api
from parley.contracts.events.room import SpaceStarted
from parley.contracts.events.scheduling import (
    ReminderDue,
    ScheduledSpaceCanceled,
    ScheduledSpaceStarted,
    ScheduledSpaceUpdated,
    ScheduledStartDue,
    SpaceScheduled,
)

from .conftest import start_scheduling

HOST = RequestContext("usr_host")
SHORT = {"min_lead_s": 0, "host_reminders_s": "1", "auto_cancel_s": 1.5}


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def host_events(service: RunningService) -> list[object]:
    store = EventStore(service.infra.nc, stream=streams.SCHEDULING.name, context="scheduling")
    stored, _ = await store.load("usr_host")
    return [item.event for item in stored]


async def events_until(service: RunningService, kind: type, *, timeout: float = 10) -> list[object]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        events = await host_events(service)
        if any(isinstance(event, kind) for event in events):
            return events
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no {kind.__name__} in {events}")
        await asyncio.sleep(0.1)


def kinds(events: list[object]) -> list[str]:
    return [type(event).__name__ for event in events]


async def test_a_new_time_replaces_the_timers_and_each_fires_once(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path, **SHORT)
    try:
        bus = service.infra.bus
        made = await bus.call(
            api.SCHEDULE_SPACE, api.ScheduleSpace(title="Soon", scheduled_start=soon(2)), HOST
        )
        new_time = soon(3.5)
        await bus.call(
            api.UPDATE_SCHEDULED_SPACE,
            api.UpdateScheduledSpace(space_id=made.id, scheduled_start=new_time),
            HOST,
        )
        events = await events_until(service, ScheduledSpaceCanceled)
        fired_at = datetime.now(UTC)
        await asyncio.sleep(1.0)  # nothing more comes
        events = await host_events(service)
        assert kinds(events) == [
            SpaceScheduled.__name__,
            ScheduledSpaceUpdated.__name__,
            ReminderDue.__name__,
            ScheduledStartDue.__name__,
            ScheduledSpaceCanceled.__name__,
        ]
        reminder, due, canceled = events[2], events[3], events[4]
        assert isinstance(reminder, ReminderDue)
        assert (reminder.before_s, reminder.scheduled_start) == (1, new_time)
        assert isinstance(due, ScheduledStartDue)
        assert due.scheduled_start == new_time  # the old time's timers never fired
        assert isinstance(canceled, ScheduledSpaceCanceled)
        assert (canceled.reason, canceled.by) == ("auto", None)
        assert fired_at >= new_time + timedelta(seconds=1.5)

        view = await bus.call(
            api.GET_SCHEDULED_SPACE, api.ScheduledSpaceRef(space_id=made.id), HOST
        )
        assert (view.state, view.canceled_reason) == ("canceled", "auto")
    finally:
        await service.stop()


async def test_a_cancel_disarms_every_timer(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path, **SHORT)
    try:
        bus = service.infra.bus
        made = await bus.call(
            api.SCHEDULE_SPACE, api.ScheduleSpace(title="Off", scheduled_start=soon(1.5)), HOST
        )
        timers = Timers(service.infra.nc, "scheduling")
        assert await timers.armed(f"{made.id}.start") is not None
        await bus.call(api.CANCEL_SCHEDULED_SPACE, api.ScheduledSpaceRef(space_id=made.id), HOST)
        for kind in ("start", "host_1", "auto_cancel"):
            assert await timers.armed(f"{made.id}.{kind}") is None
        await asyncio.sleep(3.5)  # past the start and the auto-cancel
        assert kinds(await host_events(service)) == [
            SpaceScheduled.__name__,
            ScheduledSpaceCanceled.__name__,
        ]
    finally:
        await service.stop()


async def test_room_starting_it_ends_scheduling_s_part(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path, **SHORT)
    nc = await connect(private_nats, name="room-stand-in")
    try:
        bus = service.infra.bus
        made = await bus.call(
            api.SCHEDULE_SPACE, api.ScheduleSpace(title="Go", scheduled_start=soon(2)), HOST
        )
        room = EventStore(nc, stream=streams.ROOM.name, context="room")
        started = SpaceStarted(space_id=made.id, host_id="usr_host")
        await room.append(
            made.id, [started], expected_version=0, metadata=EventMetadata(correlation_id="c")
        )
        await events_until(service, ScheduledSpaceStarted)
        timers = Timers(service.infra.nc, "scheduling")
        for kind in ("start", "host_1", "auto_cancel"):
            assert await timers.armed(f"{made.id}.{kind}") is None
        with pytest.raises(DomainError) as refused:
            await bus.call(
                api.UPDATE_SCHEDULED_SPACE,
                api.UpdateScheduledSpace(space_id=made.id, title="Later"),
                HOST,
            )
        assert (refused.value.status, refused.value.type) == (409, "space-started")
        await asyncio.sleep(3.0)  # past the start and the auto-cancel: nothing comes due
        assert kinds(await host_events(service)) == [
            SpaceScheduled.__name__,
            ScheduledSpaceStarted.__name__,
        ]
    finally:
        await nc.close()
        await service.stop()
