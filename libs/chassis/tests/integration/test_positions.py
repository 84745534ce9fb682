"""Read-your-writes: a waiter is woken by the projection runner's commit, not by polling (and
never reads the database for a projection run in its process); a position committed elsewhere
(another replica) is seen at the next recheck; a wait times out when it should."""

from __future__ import annotations

import asyncio
import time

from nats.aio.client import Client as NATS
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from parley.chassis.db import session_factory
from parley.chassis.event_store import EventMetadata, EventStore
from parley.chassis.projections import Positions, ProjectionRunner, RunnerOptions, write_position
from parley.testing.counter import CounterIncremented, CounterProjection, create_tables

META = EventMetadata(correlation_id="cor_positions")
FAST = RunnerOptions(batch_size=10, ack_wait_s=1.0, backoff_s=(0.05,), max_attempts=2)


async def increment(store: EventStore, counter_id: str, by: int, expected: int) -> int:
    return await store.append(
        counter_id,
        [CounterIncremented(counter_id=counter_id, by=by)],
        expected_version=expected,
        metadata=META,
    )


async def test_a_waiter_is_woken_by_the_runners_commit(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    positions = Positions(sessions, recheck_s=10.0)  # only the commit can wake it in time
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=FAST,
        positions=positions,
    )
    await runner.start()
    try:
        waiter = asyncio.create_task(positions.wait("counters", 1, timeout=10))
        await asyncio.sleep(0.2)  # waiting before the event even exists
        assert not waiter.done()

        seq = await increment(store, "c", 1, 0)
        appended = time.perf_counter()
        assert seq == 1
        assert await waiter
        woken_after = time.perf_counter() - appended

        more = [asyncio.create_task(positions.wait("counters", n, timeout=10)) for n in (2, 3, 4)]
        for version in (1, 2, 3):
            await increment(store, "c", 1, version)
        assert await asyncio.wait_for(asyncio.gather(*more), timeout=2) == [True, True, True]
    finally:
        await runner.stop()

    assert woken_after < 1.0  # the commit woke it, not the 10 s recheck
    assert positions.known("counters") == 4


async def test_a_wait_times_out_when_nothing_applies_its_sequence(engine: AsyncEngine) -> None:
    await create_tables(engine)
    positions = Positions(session_factory(engine), recheck_s=0.05)

    started = time.perf_counter()
    assert await positions.wait("counters", 7, timeout=0.5) is False
    waited = time.perf_counter() - started

    assert 0.5 <= waited < 1.0


async def test_a_position_committed_by_another_replica_is_seen_at_the_recheck(
    engine: AsyncEngine,
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    positions = Positions(sessions, recheck_s=0.1)
    waiter = asyncio.create_task(positions.wait("counters", 3, timeout=5))
    await asyncio.sleep(0.2)

    async with sessions.begin() as session:  # another process' runner committing
        await write_position(session, "counters", 3)
    started = time.perf_counter()

    assert await waiter
    assert time.perf_counter() - started < 0.5
    assert await positions.wait("counters", 2, timeout=0) is True  # already known, no wait


async def test_a_dead_lettered_event_answers_its_waiter(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    positions = Positions(sessions, recheck_s=10.0)
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context, fail_on={5: -1}),  # by=5 never applies
        sessions=sessions,
        options=FAST,
        positions=positions,
    )
    await runner.start()
    try:
        seq = await increment(store, "c", 5, 0)
        assert await positions.wait("counters", seq, timeout=5)
    finally:
        await runner.stop()


async def test_a_rebuild_forgets_what_the_read_model_had_applied(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    positions = Positions(sessions, recheck_s=10.0)
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=FAST,
        positions=positions,
    )
    await runner.start()
    try:
        seq = await increment(store, "c", 1, 0)
        assert await positions.wait("counters", seq, timeout=5)
        await runner.stop()
        async with sessions.begin() as session:
            await write_position(session, "counters", 0)  # as a rebuild's clearing leaves it
        positions.forget("counters")

        assert await positions.wait("counters", seq, timeout=0.3) is False
        await runner.start()
        assert await positions.wait("counters", seq, timeout=5)
    finally:
        await runner.stop()


class CountingSessions:
    """A session factory that counts the sessions asked of it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.opened = 0

    def __call__(self) -> AsyncSession:
        self.opened += 1
        return self._sessions()


async def test_waiters_for_a_projection_run_here_never_read_the_database(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    counting = CountingSessions(sessions)
    positions = Positions(counting, recheck_s=0.01)  # type: ignore[arg-type]
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=FAST,
        positions=positions,
    )
    await increment(store, "c", 1, 0)  # applied before this runner ever started
    await runner.start()
    try:
        assert await positions.wait("counters", 1, timeout=5)
        waiters = [
            asyncio.create_task(positions.wait("counters", n, timeout=5)) for n in range(2, 12)
        ]
        await asyncio.sleep(0.1)  # ten recheck intervals: a polling waiter would have read
        for version in range(1, 11):
            await increment(store, "c", 1, version)
        assert await asyncio.gather(*waiters) == [True] * 10
    finally:
        await runner.stop()

    assert counting.opened == 0

    assert await positions.wait("counters", 11, timeout=1)  # known: no read needed either
    assert await positions.wait("counters", 12, timeout=0.05) is False
    assert counting.opened > 0  # the runner stopped: the database is the only source again


async def test_a_commit_in_another_replica_wakes_the_waiter_by_its_notice(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    sessions = session_factory(engine)
    applying = Positions(sessions)  # the replica holding the projection's lease
    await applying.listen(nc, "counting")
    counting = CountingSessions(sessions)
    elsewhere = Positions(counting, recheck_s=10.0)  # type: ignore[arg-type]
    await elsewhere.listen(nc, "counting")
    runner = ProjectionRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=FAST,
        positions=applying,
    )
    await runner.start()
    woken: list[float] = []
    try:
        for version in range(10):
            waiter = asyncio.create_task(elsewhere.wait("counters", version + 1, timeout=10))
            await asyncio.sleep(0.01)
            await increment(store, "c", 1, version)
            appended = time.perf_counter()
            assert await waiter
            woken.append(time.perf_counter() - appended)
    finally:
        await runner.stop()
        await applying.stop_listening()
        await elsewhere.stop_listening()

    assert max(woken) < 1.0  # the notice woke it: the database recheck is 10 s away
    assert counting.opened == 1  # one read when it knew nothing; the notices told it since


async def test_waiters_for_another_replicas_projection_share_their_database_reads(
    engine: AsyncEngine,
) -> None:
    """No notice arrives (lost, or the other replica is of an older version): the database is
    read at most once per recheck, whatever the number of waiters."""
    await create_tables(engine)
    sessions = session_factory(engine)
    counting = CountingSessions(sessions)
    positions = Positions(counting, recheck_s=0.1)  # type: ignore[arg-type]
    waiters = [asyncio.create_task(positions.wait("counters", 5, timeout=5)) for _ in range(50)]
    await asyncio.sleep(0.5)
    async with sessions.begin() as session:
        await write_position(session, "counters", 5)

    assert await asyncio.gather(*waiters) == [True] * 50
    assert counting.opened <= 0.6 / 0.1 + 2  # not 50 waiters x 6 rechecks
