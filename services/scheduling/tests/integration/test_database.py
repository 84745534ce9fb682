"""The migrations create exactly the tables scheduling declares, and the read model rebuilt
from the stream reaches the same rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from parley.chassis.bus import RequestContext
from parley.contracts.api import scheduling as api
from parley.scheduling.projections.tables import metadata, scheduled_reminders, scheduled_spaces

from .conftest import start_scheduling


def schema_differences(connection: Any) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_the_schema_and_a_rebuild(
    private_nats: str, tmp_path: Path, room_stream: None
) -> None:
    service = await start_scheduling(private_nats, tmp_path)
    try:
        async with service.infra.engine.connect() as connection:
            assert await connection.run_sync(schema_differences) == []

        bus = service.infra.bus
        start = datetime.now(UTC) + timedelta(hours=1)
        made = await bus.call(
            api.SCHEDULE_SPACE,
            api.ScheduleSpace(title="Rebuilt", scheduled_start=start),
            RequestContext("usr_host"),
        )
        ref = api.ScheduledSpaceRef(space_id=made.id)
        await bus.call(api.SET_REMINDER, ref, RequestContext("usr_fan"))

        async def rows() -> list[Any]:
            async with service.infra.sessions() as session:
                spaces = (await session.execute(select(scheduled_spaces))).all()
                reminders = (await session.execute(select(scheduled_reminders))).all()
                return [tuple(row) for row in spaces] + [tuple(row) for row in reminders]

        before = await rows()
        (runner,) = service.runners
        await runner.rebuild()
        await runner.wait_until_caught_up()
        assert await rows() == before
        assert len(before) == 2
    finally:
        await service.stop()
