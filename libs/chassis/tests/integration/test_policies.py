"""Policies on a real nats-server and SQLite: acknowledged once when handled, NAKed with a delay
and retried when failing, and a dead letter (row + notice) then terminated when they keep
failing."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
from faststream.nats import NatsBroker, NatsRouter
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis import policies
from parley.chassis.db import chassis_tables, create_engine, session_factory
from parley.chassis.dead_letters import DeadLetters, dead_letter_subject
from parley.chassis.event_store import EventMetadata, EventStore, StoredEvent
from parley.chassis.messaging import ensure_stream, make_broker
from parley.chassis.policies import Policy, subscribe_policy
from parley.contracts import streams
from parley.contracts.events.identity import UserReinstated, UserSuspended

META = EventMetadata(correlation_id="cor_policy_test")


@pytest.fixture
async def store(nc: NATS) -> EventStore:
    await ensure_stream(nc, streams.IDENTITY)
    return EventStore(nc, stream=streams.IDENTITY.name, context="identity")


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    async with engine.begin() as connection:
        for table in chassis_tables().values():
            await connection.run_sync(table.create)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def broker(nats_url: str) -> AsyncIterator[NatsBroker]:
    broker = make_broker(nats_url, "policy-test")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> tuple[float, ...]:
    backoff = (0.3, 0.6)
    monkeypatch.setattr(policies, "BACKOFF_S", backoff)
    return backoff


async def run_policy(
    broker: NatsBroker,
    sessions: async_sessionmaker[AsyncSession],
    policy: Policy[UserSuspended],
    *,
    max_deliver: int = policies.MAX_DELIVER,
) -> None:
    router = NatsRouter()
    subscribe_policy(
        router,
        policy,
        dead_letters=DeadLetters(sessions, broker.connection),
        max_deliver=max_deliver,
        ack_wait_s=1.0,  # an unacknowledged message would come again within the test
    )
    broker.include_router(router)
    await broker.start()


async def suspend(store: EventStore, *users: str) -> None:
    for user in users:
        await store.append(
            user,
            [UserSuspended(user_id=user, moderator_id="usr_mod", reason="test")],
            expected_version=0,
            metadata=META,
        )


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not true within {timeout}s")


async def consumer_state(nc: NATS, name: str) -> tuple[int, int, int]:
    info = await nc.jetstream().consumer_info(streams.IDENTITY.name, f"policy_{name}")
    return info.num_pending, info.num_ack_pending, info.num_redelivered


async def test_a_handled_event_is_acknowledged_exactly_once(
    nc: NATS, broker: NatsBroker, store: EventStore, sessions: async_sessionmaker[AsyncSession]
) -> None:
    reacted: list[tuple[str, int]] = []

    async def react(event: UserSuspended, stored: StoredEvent) -> None:
        reacted.append((event.user_id, stored.stream_seq))

    await suspend(store, "usr_1", "usr_2")  # before the policy exists: it starts from the first
    await store.append(
        "usr_3",
        [UserReinstated(user_id="usr_3", moderator_id="usr_mod")],
        expected_version=0,
        metadata=META,
    )
    await run_policy(broker, sessions, Policy("count_suspensions", UserSuspended, react))
    await suspend(store, "usr_4")

    await until(lambda: len(reacted) == 3)
    await asyncio.sleep(1.5)  # past ack_wait: an unacknowledged one would have come again

    assert sorted(user for user, _ in reacted) == ["usr_1", "usr_2", "usr_4"]
    assert len({seq for _, seq in reacted}) == 3
    assert await consumer_state(nc, "count_suspensions") == (0, 0, 0)


async def test_a_failing_reaction_is_retried_after_a_delay_until_it_succeeds(
    nc: NATS,
    broker: NatsBroker,
    store: EventStore,
    sessions: async_sessionmaker[AsyncSession],
    fast_backoff: tuple[float, ...],
) -> None:
    attempts: list[float] = []

    async def flaky(event: UserSuspended, stored: StoredEvent) -> None:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise ConnectionError("the other service is restarting")

    await run_policy(broker, sessions, Policy("flaky", UserSuspended, flaky))
    await suspend(store, "usr_1")

    await until(lambda: len(attempts) == 3)
    await asyncio.sleep(1.5)

    assert len(attempts) == 3  # and not again once it succeeded
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert gaps[0] >= fast_backoff[0] * 0.9  # NAKed with the first delay
    assert gaps[1] >= fast_backoff[1] * 0.9  # then a longer one
    assert await consumer_state(nc, "flaky") == (0, 0, 0)
    async with sessions() as session:
        assert (await session.execute(select(chassis_tables()["dead_letters"]))).all() == []


async def test_an_always_failing_reaction_becomes_a_dead_letter_and_is_terminated(
    nc: NATS,
    broker: NatsBroker,
    store: EventStore,
    sessions: async_sessionmaker[AsyncSession],
    fast_backoff: tuple[float, ...],
) -> None:
    notices: list[dict[str, object]] = []

    async def collect(msg: Msg) -> None:
        notices.append(json.loads(msg.data))

    await nc.subscribe(dead_letter_subject("doomed"), cb=collect)
    terminated: list[dict[str, object]] = []

    async def on_terminated(msg: Msg) -> None:
        terminated.append(json.loads(msg.data))

    await nc.subscribe(
        f"$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.{streams.IDENTITY.name}.policy_doomed",
        cb=on_terminated,
    )
    attempts: list[str] = []

    async def doomed(event: UserSuspended, stored: StoredEvent) -> None:
        attempts.append(event.user_id)
        raise RuntimeError(f"cannot handle {event.user_id}")

    await run_policy(broker, sessions, Policy("doomed", UserSuspended, doomed), max_deliver=3)
    await suspend(store, "usr_1")

    await until(lambda: len(notices) == 1)
    await asyncio.sleep(1.5)  # past ack_wait and every backoff: nothing comes again

    assert attempts == ["usr_1"] * 3  # max_deliver, not one more
    async with sessions() as session:
        letters = (await session.execute(select(chassis_tables()["dead_letters"]))).all()
    assert len(letters) == 1
    assert letters[0].projection == "doomed"
    assert letters[0].event_type == "UserSuspended"
    assert letters[0].subject == "identity.usr_1.user_suspended"
    assert "cannot handle usr_1" in letters[0].error
    assert json.loads(letters[0].data)["data"]["user_id"] == "usr_1"
    assert notices[0]["consumer"] == "doomed"
    assert notices[0]["seq"] == letters[0].stream_seq
    assert await consumer_state(nc, "doomed") == (0, 0, 0)
    assert [advisory["stream_seq"] for advisory in terminated] == [letters[0].stream_seq]


async def test_one_failing_event_does_not_hold_back_the_others(
    broker: NatsBroker,
    store: EventStore,
    sessions: async_sessionmaker[AsyncSession],
    fast_backoff: tuple[float, ...],
) -> None:
    handled: list[str] = []

    async def picky(event: UserSuspended, stored: StoredEvent) -> None:
        if event.user_id == "usr_bad":
            raise RuntimeError("never")
        handled.append(event.user_id)

    await run_policy(broker, sessions, Policy("picky", UserSuspended, picky), max_deliver=2)
    await suspend(store, "usr_bad", "usr_1", "usr_2")

    await until(lambda: len(handled) == 2, timeout=2)
    assert handled == ["usr_1", "usr_2"]
