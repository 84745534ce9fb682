"""Waiting for a projection's position, many waiters, one poller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.db import create_engine, run_migrations, session_factory
from parley.chassis.projections import write_position
from parley.room.bootstrap import MIGRATIONS
from parley.room.projections.position_watch import PositionWatch


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    await run_migrations(engine, MIGRATIONS)
    yield session_factory(engine)
    await engine.dispose()


async def move_to(sessions: async_sessionmaker[AsyncSession], position: int) -> None:
    async with sessions.begin() as session:
        await write_position(session, "room_participants", position)


async def test_waiters_wake_as_the_projection_passes_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    watch = PositionWatch(sessions, "room_participants", interval_s=0.001)
    waiting = [asyncio.create_task(watch.reached(position)) for position in (3, 5, 9)]
    await asyncio.sleep(0.02)
    assert not any(task.done() for task in waiting)
    await move_to(sessions, 5)
    assert await asyncio.gather(*waiting[:2]) == [True, True]
    assert not waiting[2].done()
    await move_to(sessions, 9)
    assert await waiting[2]
    assert await watch.reached(7)  # already behind us: no wait at all


async def test_a_waiter_gives_up_and_the_others_go_on(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    watch = PositionWatch(sessions, "room_participants", interval_s=0.001)
    assert await watch.reached(4, timeout=0.05) is False
    patient = asyncio.create_task(watch.reached(4, timeout=5))
    await move_to(sessions, 4)
    assert await patient
