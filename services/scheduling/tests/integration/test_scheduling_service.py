"""The service on a private nats-server and SQLite: its routes, read-your-writes, problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.contracts.api import scheduling as api
from parley.testing.routes import route_subjects

from .conftest import start_scheduling

HOST = RequestContext(actor="usr_host")
FAN = RequestContext(actor="usr_fan")


def in_hours(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


async def test_schedule_edit_remind_cancel(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path, public_url="https://p.example")
    try:
        assert route_subjects(service.parts) == api.ROUTES.subjects()
        bus = service.infra.bus
        start = in_hours(2)
        made = await bus.call(
            api.SCHEDULE_SPACE,
            api.ScheduleSpace(title="Launch party", topics=["Tech"], scheduled_start=start),
            HOST,
        )
        assert (made.state, made.host_id, made.topics) == ("scheduled", "usr_host", ["tech"])
        assert made.scheduled_start == start
        assert made.share_url == f"https://p.example/spaces/{made.id}"
        ref = api.ScheduledSpaceRef(space_id=made.id)

        listed = await bus.call(api.LIST_SCHEDULED_SPACES, api.ListScheduledSpaces(), FAN)
        assert [item.id for item in listed.items] == [made.id]  # read-your-writes

        later = in_hours(3)
        edited = await bus.call(
            api.UPDATE_SCHEDULED_SPACE,
            api.UpdateScheduledSpace(space_id=made.id, title="Launch", scheduled_start=later),
            HOST,
        )
        assert (edited.title, edited.scheduled_start) == ("Launch", later)

        reminded = await bus.call(api.SET_REMINDER, ref, FAN)
        assert (reminded.reminder_count, reminded.reminded) == (1, True)
        again = await bus.call(api.SET_REMINDER, ref, FAN)
        assert again.reminder_count == 1
        seen_by_host = await bus.call(api.GET_SCHEDULED_SPACE, ref, HOST)
        assert (seen_by_host.reminder_count, seen_by_host.reminded) == (1, False)
        cleared = await bus.call(api.CLEAR_REMINDER, ref, FAN)
        assert (cleared.reminder_count, cleared.reminded) == (0, False)

        canceled = await bus.call(api.CANCEL_SCHEDULED_SPACE, ref, HOST)
        assert (canceled.state, canceled.canceled_reason) == ("canceled", "host")
        listed = await bus.call(api.LIST_SCHEDULED_SPACES, api.ListScheduledSpaces(), FAN)
        assert listed.items == []
    finally:
        await service.stop()


async def test_problems_change_nothing(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path)
    try:
        bus = service.infra.bus

        async def problem(route: object, payload: object, ctx: RequestContext) -> tuple[int, str]:
            with pytest.raises(DomainError) as refused:
                await bus.call(route, payload, ctx)  # type: ignore[call-overload]
            return refused.value.status, refused.value.type

        def at(start: datetime, title: str = "Show") -> api.ScheduleSpace:
            return api.ScheduleSpace(title=title, scheduled_start=start)

        assert await problem(api.SCHEDULE_SPACE, at(in_hours(1)), RequestContext()) == (
            401,
            "unauthenticated",
        )
        assert await problem(api.SCHEDULE_SPACE, at(in_hours(-1)), HOST) == (422, "start-too-soon")
        assert await problem(api.SCHEDULE_SPACE, at(in_hours(24 * 31)), HOST) == (
            422,
            "start-too-far",
        )
        assert await problem(api.SCHEDULE_SPACE, at(in_hours(1), ""), HOST) == (
            422,
            "invalid-title",
        )
        made = await bus.call(api.SCHEDULE_SPACE, at(in_hours(1)), HOST)
        edit = api.UpdateScheduledSpace(space_id=made.id, title="Theirs")
        assert await problem(api.UPDATE_SCHEDULED_SPACE, edit, FAN) == (403, "not-host")
        bad = api.UpdateScheduledSpace(space_id=made.id, scheduled_start=in_hours(0))
        assert await problem(api.UPDATE_SCHEDULED_SPACE, bad, HOST) == (422, "start-too-soon")
        unknown = api.ScheduledSpaceRef(space_id="sp_unknown")
        assert await problem(api.GET_SCHEDULED_SPACE, unknown, HOST) == (404, "space-not-found")
        assert await problem(api.SET_REMINDER, unknown, FAN) == (404, "space-not-found")

        unchanged = await bus.call(
            api.GET_SCHEDULED_SPACE, api.ScheduledSpaceRef(space_id=made.id), HOST
        )
        assert (unchanged.title, unchanged.scheduled_start) == ("Show", made.scheduled_start)
        listed = await bus.call(api.LIST_SCHEDULED_SPACES, api.ListScheduledSpaces(), HOST)
        assert [item.id for item in listed.items] == [made.id]

        await bus.call(api.CANCEL_SCHEDULED_SPACE, api.ScheduledSpaceRef(space_id=made.id), HOST)
        assert await problem(api.UPDATE_SCHEDULED_SPACE, edit, HOST) == (409, "space-canceled")
        ref = api.ScheduledSpaceRef(space_id=made.id)
        assert await problem(api.SET_REMINDER, ref, FAN) == (409, "space-canceled")
    finally:
        await service.stop()
