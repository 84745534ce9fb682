"""Fixtures for scheduling's integration tests: the real service, in-process, on a private
nats-server and SQLite, with room's stream made by the test (room itself is not running)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import RunningService, start_service
from parley.contracts import streams
from parley.scheduling.bootstrap import definition
from parley.scheduling.settings import SchedulingSettings


@pytest.fixture
async def room_stream(private_nats: str) -> AsyncIterator[None]:
    nc = await connect(private_nats, name="room-stand-in")
    try:
        await ensure_stream(nc, streams.ROOM)  # room owns it; here the test stands in for room
        yield
    finally:
        await nc.close()


async def start_scheduling(private_nats: str, data_dir: Path, **settings: object) -> RunningService:
    values: dict[str, object] = {
        "nats_url": private_nats,
        "data_dir": data_dir,
        "log_json": False,
        **settings,
    }
    return await start_service(definition, SchedulingSettings(**values))  # type: ignore[arg-type]
