"""The upcoming limit holds under concurrency, and a command run again finds its Space."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.contracts.api import scheduling as api

from .conftest import start_scheduling


def at(minutes: float, title: str = "Show") -> api.ScheduleSpace:
    return api.ScheduleSpace(
        title=title, scheduled_start=datetime.now(UTC) + timedelta(minutes=minutes)
    )


async def test_twenty_schedules_at_nine_upcoming_one_succeeds(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path)
    try:
        bus = service.infra.bus
        for n in range(9):
            await bus.call(api.SCHEDULE_SPACE, at(60 + n), RequestContext("usr_host"))

        async def attempt(n: int) -> str:
            ctx = RequestContext("usr_host", command_id=f"cmd_race_{n}")
            try:
                await bus.call(api.SCHEDULE_SPACE, at(120 + n, f"Race {n}"), ctx)
            except DomainError as refused:
                return refused.type
            return "scheduled"

        outcomes = await asyncio.gather(*(attempt(n) for n in range(20)))
        assert sorted(outcomes) == ["scheduled"] + ["too-many-upcoming"] * 19

        mine = api.ListScheduledSpaces(host_id="usr_host")
        listed = await bus.call(api.LIST_SCHEDULED_SPACES, mine, RequestContext())
        assert len(listed.items) == 10
        # Another host is not limited by this one; impromptu Spaces are room's, not counted.
        other = await bus.call(api.SCHEDULE_SPACE, at(60), RequestContext("usr_other"))
        assert other.host_id == "usr_other"
    finally:
        await service.stop()


async def test_the_same_command_again_finds_its_space(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path)
    try:
        bus = service.infra.bus
        ctx = RequestContext("usr_host", command_id="cmd_once")
        payload = at(60)
        first = await bus.call(api.SCHEDULE_SPACE, payload, ctx)
        again = await bus.call(api.SCHEDULE_SPACE, payload, ctx)
        assert again.id == first.id
        listed = await bus.call(api.LIST_SCHEDULED_SPACES, api.ListScheduledSpaces(), ctx)
        assert [item.id for item in listed.items] == [first.id]
    finally:
        await service.stop()
