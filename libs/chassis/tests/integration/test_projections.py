"""The projection runner against a real nats-server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json

import pytest
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from parley.chassis.db import chassis_tables, session_factory
from parley.chassis.event_store import EventMetadata, EventStore, StoredEvent
from parley.chassis.projections import (
    ProjectionRunner,
    RunnerOptions,
    wait_for_position,
)
from parley.testing.counter import (
    CounterIncremented,
    CounterProjection,
    applied_sequences,
    counter_rows,
    create_tables,
)

dead_letters = chassis_tables()["dead_letters"]
META = EventMetadata(correlation_id="cor_test")
FAST = RunnerOptions(batch_size=10, ack_wait_s=1.0, backoff_s=(0.05, 0.05, 0.05, 0.05))


async def append_increments(store: EventStore, plan: list[tuple[str, int]]) -> int:
    versions: dict[str, int] = {}
    last = 0
    for counter_id, by in plan:
        last = await store.append(
            counter_id,
            [CounterIncremented(counter_id=counter_id, by=by)],
            expected_version=versions.get(counter_id, 0),
            metadata=META,
        )
        versions[counter_id] = last
    return last


PLAN = [(f"c{i % 4}", i % 5 + 1) for i in range(40)]
EXPECTED = {f"c{n}": sum(by for cid, by in PLAN if cid == f"c{n}") for n in range(4)}


def runner_for(
    nc: NATS, store: EventStore, engine: AsyncEngine, projection: CounterProjection
) -> ProjectionRunner:
    return ProjectionRunner(
        nc,
        stream=store.stream,
        projection=projection,
        sessions=session_factory(engine),
        options=FAST,
    )


async def test_projection_applies_every_event_once(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    last = await append_increments(store, PLAN)
    runner = runner_for(nc, store, engine, CounterProjection(store.context))
    await runner.start()
    try:
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=10)
    finally:
        await runner.stop()

    rows = await counter_rows(engine)
    assert {row[0]: row[1] for row in rows} == EXPECTED
    assert sum(row[2] for row in rows) == len(PLAN)
    assert await runner.position() == last


class CrashAfterCommit(ProjectionRunner):
    """Dies (like a killed process) right after committing the transaction holding one chosen
    event, before any of it is acknowledged."""

    crash_at_seq = 0

    async def _apply_messages(self, messages: list[Msg]) -> None:
        await super()._apply_messages(messages)
        if any(msg.metadata.sequence.stream == self.crash_at_seq for msg in messages):
            raise asyncio.CancelledError


class CrashingProjection(CounterProjection):
    """Dies in the middle of applying one chosen event: its transaction never commits."""

    crash_at_seq = 0

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        if event.stream_seq == self.crash_at_seq:
            raise asyncio.CancelledError
        await super().apply(session, event)


@pytest.mark.parametrize("moment", ["after_commit", "mid_transaction"])
async def test_a_crash_mid_batch_then_restart_ends_with_the_same_rows(
    nc: NATS, store: EventStore, engine: AsyncEngine, moment: str
) -> None:
    await create_tables(engine)
    last = await append_increments(store, PLAN)
    events, _ = await store.load("c1")
    crash_at = events[3].stream_seq  # in the middle of the second batch of 10
    projection = CounterProjection(store.context)
    runner_type: type[ProjectionRunner] = ProjectionRunner
    if moment == "after_commit":
        runner_type = CrashAfterCommit
        CrashAfterCommit.crash_at_seq = crash_at
    else:
        projection = CrashingProjection(store.context)
        CrashingProjection.crash_at_seq = crash_at
    crashing = runner_type(
        nc,
        stream=store.stream,
        projection=projection,
        sessions=session_factory(engine),
        options=FAST,
    )
    await crashing.start()
    assert crashing._task is not None
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(crashing._task, timeout=10)
    committed_before_restart = await crashing.position()
    assert 0 < committed_before_restart < last
    if moment == "mid_transaction":
        assert committed_before_restart < crash_at  # the crashed transaction left nothing

    # The un-acked messages (including committed ones) come again to the new runner.
    restarted = runner_for(nc, store, engine, CounterProjection(store.context))
    await restarted.start()
    try:
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=15)
    finally:
        await restarted.stop()

    rows = await counter_rows(engine)
    assert {row[0]: row[1] for row in rows} == EXPECTED
    assert sum(row[2] for row in rows) == len(PLAN)  # nothing applied twice


class OverlappingRunner(ProjectionRunner):
    """A second runner of the same read model, as when a lease holder stalled past its lease
    while another took over: its own consumer, the same rows and position."""

    @property
    def durable(self) -> str:
        return f"{super().durable}_overlapping"


async def test_two_overlapping_runners_apply_every_event_once(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    """Each commits only from the position it last saw: the one whose position moved under it
    rolls its batch back and goes on from the committed one."""
    await create_tables(engine)
    last = await append_increments(store, PLAN)
    sessions = session_factory(engine)
    one = runner_for(nc, store, engine, CounterProjection(store.context))
    other = OverlappingRunner(
        nc,
        stream=store.stream,
        projection=CounterProjection(store.context),
        sessions=sessions,
        options=FAST,
    )
    await asyncio.gather(one.start(), other.start())
    try:
        assert await wait_for_position(sessions, "counters", last, timeout=15)
    finally:
        await asyncio.gather(one.stop(), other.stop())

    rows = await counter_rows(engine)
    assert {row[0]: row[1] for row in rows} == EXPECTED
    assert sum(row[2] for row in rows) == len(PLAN)  # nothing applied twice
    assert await one.position() == last


async def test_rebuild_from_sequence_one_yields_identical_rows(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    last = await append_increments(store, PLAN)
    runner = runner_for(nc, store, engine, CounterProjection(store.context))
    await runner.start()
    try:
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=10)
        before = await counter_rows(engine)

        await runner.rebuild()
        assert await runner.position() < last or await counter_rows(engine) == before
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=10)
        await runner.wait_until_caught_up()
    finally:
        await runner.stop()

    assert await counter_rows(engine) == before


async def test_a_failing_event_is_retried_in_order_with_backoff(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    projection = CounterProjection(store.context, fail_on={3: 2})  # every by=3 fails twice
    last = await append_increments(store, PLAN)
    runner = runner_for(nc, store, engine, projection)
    await runner.start()
    try:
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=15)
    finally:
        await runner.stop()

    rows = await counter_rows(engine)
    assert {row[0]: row[1] for row in rows} == EXPECTED
    applied = await applied_sequences(engine)
    assert applied == sorted(applied)  # stream order kept
    assert len(applied) == len(PLAN)


async def test_an_exhausted_event_is_dead_lettered_visibly_and_the_rest_applied(
    nc: NATS, store: EventStore, engine: AsyncEngine
) -> None:
    await create_tables(engine)
    notices: list[dict[str, object]] = []

    async def collect(msg: Msg) -> None:
        notices.append(json.loads(msg.data))

    await nc.subscribe("parley.deadletter.counters", cb=collect)
    projection = CounterProjection(store.context, fail_on={5: -1})  # by=5 always fails
    last = await append_increments(store, PLAN)
    runner = runner_for(nc, store, engine, projection)
    await runner.start()
    try:
        assert await wait_for_position(session_factory(engine), "counters", last, timeout=20)
    finally:
        await runner.stop()

    poisoned = [by for _, by in PLAN].count(5)
    async with engine.connect() as connection:
        letters = (await connection.execute(select(dead_letters))).all()
    assert len(letters) == poisoned
    assert all(letter.event_type == "CounterIncremented" for letter in letters)
    assert "projection failure" in letters[0].error
    rows = await counter_rows(engine)
    assert sum(row[2] for row in rows) == len(PLAN) - poisoned
    applied = await applied_sequences(engine)
    assert applied == sorted(applied)
    await asyncio.sleep(0.05)
    assert len(notices) == poisoned
