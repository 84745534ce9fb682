"""Timers on JetStream message schedules, against a real nats-server: a timer fires once at its
time, re-arming replaces, disarming disarms, two consumers handle each firing once between
them, restarts of nats-server and of the consuming service lose and duplicate nothing, and a
failing handler is retried then handled once (or dead-lettered)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from faststream.nats import NatsBroker, NatsRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.db import chassis_tables, create_engine, session_factory
from parley.chassis.dead_letters import DeadLetters
from parley.chassis.embedded_nats import EmbeddedNats, find_nats_server
from parley.chassis.messaging import make_broker
from parley.chassis.timers import FiredTimer, Timers, fired_timers

SERVICE = "clock"
ON_TIME_S = 1.0  # how late a firing may be handled


@dataclass(frozen=True)
class Firing:
    timer_id: str
    due_at: datetime
    payload: bytes
    handled_at: float  # epoch seconds
    attempt: int
    by: str


class Handled:
    """What the handlers saw, in order: one record per firing handled."""

    def __init__(self) -> None:
        self.firings: list[Firing] = []
        self._changed = asyncio.Event()

    def by(self, consumer: str) -> Callable[[FiredTimer], Awaitable[None]]:
        async def handle(fired: FiredTimer) -> None:
            self.firings.append(
                Firing(
                    fired.timer_id,
                    fired.due_at,
                    fired.payload,
                    time.time(),
                    fired.attempt,
                    consumer,
                )
            )
            self._changed.set()

        return handle

    async def __call__(self, fired: FiredTimer) -> None:
        await self.by("")(fired)

    def count(self) -> Counter[str]:
        return Counter(firing.timer_id for firing in self.firings)

    def of(self, timer_id: str) -> Firing:
        (firing,) = [firing for firing in self.firings if firing.timer_id == timer_id]
        return firing

    def lateness_s(self) -> list[float]:
        return [firing.handled_at - firing.due_at.timestamp() for firing in self.firings]

    async def wait_for(self, n: int, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while len(self.firings) < n:
                    self._changed.clear()
                    await self._changed.wait()


async def consuming(
    url: str,
    handler: Callable[[FiredTimer], Awaitable[None]],
    name: str = "clock-test",
    **options: object,
) -> NatsBroker:
    """A started broker whose router handles the service's fired timers (as a service would:
    the stream first, then the subscriber)."""
    broker = make_broker(url, name)
    await broker.connect()
    await Timers.open(broker.connection, SERVICE)
    router = NatsRouter()
    fired_timers(router, SERVICE, handler, **options)  # type: ignore[arg-type]
    broker.include_router(router)
    await broker.start()
    return broker


@pytest.fixture
async def broker(nats_url: str) -> AsyncIterator[NatsBroker]:
    broker = make_broker(nats_url, "clock-arming")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
async def timers(broker: NatsBroker) -> Timers:
    return await Timers.open(broker.connection, SERVICE)


def soon(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def test_a_timer_fires_once_at_its_time(nats_url: str, timers: Timers) -> None:
    handled = Handled()
    consumer = await consuming(nats_url, handled)
    try:
        due = soon(1.5)
        await timers.arm("sp_abc.reminder", due, b"remind")
        assert await timers.armed("sp_abc.reminder") == due
        await handled.wait_for(1, timeout=5)
        await asyncio.sleep(1.0)  # nothing more comes
    finally:
        await consumer.stop()
    assert handled.count() == {"sp_abc.reminder": 1}
    fired = handled.of("sp_abc.reminder")
    assert (fired.due_at, fired.payload, fired.attempt) == (due, b"remind", 1)
    assert 0 <= handled.lateness_s()[0] <= ON_TIME_S
    assert await timers.armed("sp_abc.reminder") is None  # the server removed it once fired


async def test_a_time_in_the_past_fires_at_once(nats_url: str, timers: Timers) -> None:
    handled = Handled()
    consumer = await consuming(nats_url, handled)
    try:
        armed_at = time.time()
        await timers.arm("late", soon(-30))
        await handled.wait_for(1, timeout=5)
    finally:
        await consumer.stop()
    assert handled.count() == {"late": 1}
    assert handled.of("late").handled_at - armed_at <= ON_TIME_S


async def test_rearming_replaces_the_earlier_time(nats_url: str, timers: Timers) -> None:
    handled = Handled()
    consumer = await consuming(nats_url, handled)
    try:
        first, later, earlier = soon(1.0), soon(2.5), soon(1.5)
        await timers.arm("pushed_back", first, b"old")
        await timers.arm("pushed_back", later, b"new")  # later than the first
        await timers.arm("brought_forward", later, b"old")
        await timers.arm("brought_forward", earlier, b"new")  # earlier than the first
        assert await timers.armed("pushed_back") == later
        assert await timers.armed("brought_forward") == earlier
        await handled.wait_for(2, timeout=6)
        await asyncio.sleep(1.5)  # past every time ever armed
    finally:
        await consumer.stop()
    assert handled.count() == {"pushed_back": 1, "brought_forward": 1}
    fired = {f.timer_id: (f.due_at, f.payload) for f in handled.firings}
    assert fired == {"pushed_back": (later, b"new"), "brought_forward": (earlier, b"new")}
    assert all(0 <= late <= ON_TIME_S for late in handled.lateness_s())


async def test_a_rearming_just_as_the_old_time_fires_is_not_lost(
    nats_url: str, broker: NatsBroker, timers: Timers
) -> None:
    """The server's firing purges its schedule's subject: a re-arming stored between the
    server taking the old time and storing its firing must survive that purge."""
    js = broker.connection.jetstream()
    old_due = soon(30)
    await timers.arm("raced", old_due, b"old")
    old = await js.get_last_msg(timers.stream, "timers.clock.armed.raced.*")
    new_due = soon(1.5)
    await timers.arm("raced", new_due, b"new")
    # The old arming's firing, stored after the re-arming, as the server stores it.
    await js.publish(
        "timers.clock.fired.raced",
        b"old",
        stream=timers.stream,
        headers={
            "Nats-Scheduler": old.subject,
            "Nats-Schedule-Next": "purge",
            "Parley-Timer-Due": old.headers["Parley-Timer-Due"],  # type: ignore[index]
        },
    )
    assert await timers.armed("raced") == new_due
    handled = Handled()
    consumer = await consuming(nats_url, handled)
    try:
        await handled.wait_for(2, timeout=5)
        await asyncio.sleep(0.5)
    finally:
        await consumer.stop()
    # Both reach the handler, which tells the stale one by its due time.
    assert [(f.due_at, f.payload) for f in handled.firings] == [
        (old_due, b"old"),
        (new_due, b"new"),
    ]


async def test_a_disarmed_timer_never_fires(nats_url: str, timers: Timers) -> None:
    handled = Handled()
    consumer = await consuming(nats_url, handled)
    try:
        await timers.arm("cancelled", soon(1.0))
        await timers.arm("kept", soon(1.2))
        await timers.disarm("cancelled")
        await timers.disarm("cancelled")  # again: fine
        await timers.disarm("never_armed")  # unknown: fine
        await handled.wait_for(1, timeout=5)
        await asyncio.sleep(1.5)
    finally:
        await consumer.stop()
    assert handled.count() == {"kept": 1}
    assert await timers.armed("cancelled") is None


async def test_two_consumers_handle_each_firing_once_between_them(
    nats_url: str, timers: Timers
) -> None:
    handled = Handled()
    one = await consuming(nats_url, handled.by("clock-1"), name="clock-1")
    two = await consuming(nats_url, handled.by("clock-2"), name="clock-2")
    n = 200
    try:
        due = soon(2.0)
        await asyncio.gather(
            *(timers.arm(f"t{i}", due + timedelta(milliseconds=i)) for i in range(n))
        )
        await handled.wait_for(n, timeout=10)
        await asyncio.sleep(1.0)
    finally:
        await one.stop()
        await two.stop()
    assert handled.count() == Counter({f"t{i}": 1 for i in range(n)})
    assert {firing.by for firing in handled.firings} == {"clock-1", "clock-2"}  # both took some
    assert max(handled.lateness_s()) <= ON_TIME_S


@pytest.fixture
def restartable_nats(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A nats-server this test stops and starts again on the same port and store."""
    try:
        find_nats_server()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    server = EmbeddedNats(tmp_path / "nats").start()
    yield server
    server.stop()


@pytest.mark.parametrize("stop", ["terminated", "killed"])
async def test_timers_survive_restarts_of_nats_server_and_of_the_service(
    restartable_nats: EmbeddedNats, stop: str
) -> None:
    url = restartable_nats.url
    before = Handled()
    service = await consuming(url, before, name="clock-before")
    timers = Timers(service.connection, SERVICE)
    while_down, after_restart = soon(1.5), soon(5.0)
    await timers.arm("due_while_down", while_down, b"1")
    await timers.arm("due_after_restart", after_restart, b"2")
    await timers.arm("replaced", soon(1.0), b"old")
    await timers.arm("replaced", soon(5.5), b"new")
    await timers.arm("disarmed", soon(5.0))
    await timers.disarm("disarmed")
    await service.stop()  # the service goes down...

    if stop == "killed":  # ...then nats-server (kill -9: no shutdown snapshot)...
        assert restartable_nats.process is not None
        restartable_nats.process.kill()
        restartable_nats.process.wait()
    restartable_nats.stop()  # ...past the first timer's time
    await asyncio.sleep(2.0)
    restartable_nats.start()

    after = Handled()
    service = await consuming(url, after, name="clock-after")  # the service starts again
    try:
        await after.wait_for(3, timeout=10)
        await asyncio.sleep(1.5)  # nothing more comes
    finally:
        await service.stop()
    assert before.firings == []
    assert after.count() == {"due_while_down": 1, "due_after_restart": 1, "replaced": 1}
    assert after.of("replaced").payload == b"new"
    for timer_id in ("due_after_restart", "replaced"):  # due once everything was up: on time
        fired = after.of(timer_id)
        assert 0 <= fired.handled_at - fired.due_at.timestamp() <= ON_TIME_S, timer_id
    assert after.of("due_while_down").due_at == while_down  # late, once, and says when due


async def test_a_failing_handler_is_retried_then_handled_once(
    nats_url: str, timers: Timers
) -> None:
    attempts: list[int] = []
    handled = Handled()

    async def flaky(fired: FiredTimer) -> None:
        attempts.append(fired.attempt)
        if fired.attempt < 3:
            raise ConnectionError("the database is restarting")
        await handled(fired)

    consumer = await consuming(nats_url, flaky, backoff_s=(0.2, 0.4))
    try:
        await timers.arm("flaky", soon(0.5))
        await handled.wait_for(1, timeout=8)
        await asyncio.sleep(1.0)
    finally:
        await consumer.stop()
    assert attempts == [1, 2, 3]
    assert handled.count() == {"flaky": 1}


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(sqlite_url)
    async with engine.begin() as connection:
        for table in chassis_tables().values():
            await connection.run_sync(table.create)
    yield session_factory(engine)
    await engine.dispose()


async def test_a_handler_that_keeps_failing_leaves_a_dead_letter(
    nats_url: str,
    broker: NatsBroker,
    timers: Timers,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    attempts: list[int] = []

    async def broken(fired: FiredTimer) -> None:
        attempts.append(fired.attempt)
        raise RuntimeError("a bug")

    dead_letters = DeadLetters(sessions, broker.connection)
    consumer = await consuming(
        nats_url, broken, dead_letters=dead_letters, max_deliver=2, backoff_s=(0.2,)
    )
    try:
        await timers.arm("doomed", soon(0.3), b"x")
        rows: list[tuple[str, str, str]] = []
        for _ in range(80):
            await asyncio.sleep(0.1)
            if rows:
                break
            async with sessions() as session:
                table = chassis_tables()["dead_letters"]
                result = await session.execute(
                    select(table.c.projection, table.c.subject, table.c.error)
                )
                rows = [tuple(row) for row in result]
        await asyncio.sleep(1.0)  # terminated: not delivered again
    finally:
        await consumer.stop()
    assert attempts == [1, 2]
    assert rows == [("timers_clock", "timers.clock.fired.doomed", "RuntimeError('a bug')")]


CONSUMER_PROCESS = """
import asyncio, sys
from faststream.nats import NatsRouter
from parley.chassis.messaging import make_broker
from parley.chassis.timers import Timers, fired_timers

async def main(url, name):
    async def handle(fired):
        print("fired", fired.timer_id, flush=True)
    broker = make_broker(url, name)
    await broker.connect()
    await Timers.open(broker.connection, "clock")
    router = NatsRouter()
    fired_timers(router, "clock", handle)
    broker.include_router(router)
    await broker.start()
    await broker.connection.flush()
    print("ready", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_two_service_processes_handle_each_firing_once_between_them(
    nats_url: str, timers: Timers
) -> None:
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CONSUMER_PROCESS,
            nats_url,
            f"clock-{n}",
            stdout=asyncio.subprocess.PIPE,
        )
        for n in (1, 2)
    ]
    fired: dict[int, list[str]] = {1: [], 2: []}

    async def read(n: int, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            words = line.decode().split()
            if words[:1] == ["fired"]:
                fired[n].append(words[1])

    try:
        for process in processes:
            assert process.stdout is not None
            async with asyncio.timeout(30):
                assert (await process.stdout.readline()).strip() == b"ready"
        readers = [asyncio.create_task(read(n, p)) for n, p in zip((1, 2), processes, strict=True)]
        n = 100
        due = soon(1.5)
        await asyncio.gather(
            *(timers.arm(f"p{i}", due + timedelta(milliseconds=5 * i)) for i in range(n))
        )
        await asyncio.sleep(4.0)
    finally:
        for process in processes:
            process.terminate()
            await process.wait()
    await asyncio.gather(*readers)
    assert Counter(fired[1] + fired[2]) == Counter({f"p{i}": 1 for i in range(n)})
    assert fired[1]
    assert fired[2]
