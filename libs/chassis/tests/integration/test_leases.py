"""Leases in NATS KV against a real nats-server: one holder at a time, handed over at once on a
clean stop and within the TTL when the holder dies, never held by two (compare and set), a
holder that cannot renew stops before anyone else may start, a restarted instance takes its
own lease back, an exclusive block waits its turn, and a release racing a renewal still frees
the lease."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.leases import Lease, LeaseKeeper, LeaseOptions, Leases, Seen
from parley.chassis.messaging import connect

FAST = LeaseOptions(ttl_s=1.0, renew_s=0.2, margin_s=0.3)


class Work:
    """Something that must run in one place at a time: records when it ran, and where."""

    def __init__(self, log: list[tuple[str, str, float]], name: str) -> None:
        self.log = log
        self.name = name
        self.running = False

    async def start(self) -> None:
        self.running = True
        self.log.append(("start", self.name, time.perf_counter()))

    async def stop(self) -> None:
        self.running = False
        self.log.append(("stop", self.name, time.perf_counter()))


Opener = Callable[..., Awaitable[Leases]]
CONNECTIONS: dict[int, NATS] = {}  # id(leases) -> its replica's connection


@pytest.fixture
async def open_leases(nats_url: str) -> AsyncIterator[Opener]:
    """Leases of a replica, each on a connection of its own (as separate processes are)."""
    opened: list[tuple[NATS, Leases]] = []

    async def open_one(instance: str, options: LeaseOptions = FAST) -> Leases:
        nc = await connect(nats_url, name=instance)
        leases = await Leases.open(nc, "svc", instance, options)
        opened.append((nc, leases))
        CONNECTIONS[id(leases)] = nc
        return leases

    yield open_one
    for nc, leases in opened:
        CONNECTIONS.pop(id(leases), None)
        await leases.close()
        if not nc.is_closed:
            await nc.close()


async def cut_off(leases: Leases) -> None:
    """The replica's connection to NATS goes (it can neither renew nor release)."""
    await CONNECTIONS[id(leases)].close()


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> float:
    """Seconds it took until ``condition`` held."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


def keeper_for(leases: Leases, work: Work) -> LeaseKeeper:
    return leases.keeper("projection.things", start=work.start, stop=work.stop)


async def test_one_replica_works_the_other_stands_by_and_a_clean_stop_hands_over_at_once(
    open_leases: Opener,
) -> None:
    log: list[tuple[str, str, float]] = []
    a, b = Work(log, "a"), Work(log, "b")
    keeper_a = keeper_for(await open_leases("a"), a)
    keeper_b = keeper_for(await open_leases("b"), b)
    await keeper_a.begin()
    await keeper_b.begin()
    try:
        assert (keeper_a.state, keeper_b.state) == ("active", "standby")
        assert keeper_b.holder is not None
        assert keeper_b.holder.instance == "a"
        await asyncio.sleep(3 * FAST.ttl_s)  # renewed all along: b never gets it
        assert (a.running, b.running) == (True, False)

        await keeper_a.end()
        handed_over = await until(lambda: b.running, timeout=5)
    finally:
        await keeper_b.end()

    assert handed_over < 0.5  # the deletion woke the standby, not its TTL re-check
    assert [(what, who) for what, who, _ in log] == [
        ("start", "a"),
        ("stop", "a"),
        ("start", "b"),
        ("stop", "b"),
    ]


async def test_a_dead_holder_is_replaced_within_the_ttl(open_leases: Opener) -> None:
    log: list[tuple[str, str, float]] = []
    a, b = Work(log, "a"), Work(log, "b")
    leases_a = await open_leases("a")
    keeper_a = keeper_for(leases_a, a)
    keeper_b = keeper_for(await open_leases("b"), b)
    await keeper_a.begin()
    await keeper_b.begin()
    await asyncio.sleep(0.5)
    try:
        # Killed: no more renewals, nothing released, nothing stopped.
        assert keeper_a._task is not None
        keeper_a._task.cancel()
        await cut_off(leases_a)
        died = time.perf_counter()
        await until(lambda: b.running, timeout=10)
        took_over = time.perf_counter() - died
    finally:
        await keeper_b.end()

    assert took_over <= FAST.ttl_s + 0.5
    assert keeper_b.state == "stopped"


async def test_a_holder_that_cannot_renew_stops_before_another_may_start(
    open_leases: Opener,
) -> None:
    log: list[tuple[str, str, float]] = []
    a, b = Work(log, "a"), Work(log, "b")
    leases_a = await open_leases("a")
    keeper_a = keeper_for(leases_a, a)
    keeper_b = keeper_for(await open_leases("b"), b)
    await keeper_a.begin()
    await keeper_b.begin()
    try:
        await cut_off(leases_a)  # still alive and working
        await until(lambda: b.running, timeout=10)
        assert not a.running
    finally:
        await keeper_a.end()
        await keeper_b.end()

    stopped_a = next(at for what, who, at in log if (what, who) == ("stop", "a"))
    started_b = next(at for what, who, at in log if (what, who) == ("start", "b"))
    assert stopped_a < started_b
    assert keeper_a.state == "stopped"


async def test_of_replicas_racing_for_a_free_lease_exactly_one_gets_it(
    open_leases: Opener,
) -> None:
    log: list[tuple[str, str, float]] = []
    works = [Work(log, f"r{n}") for n in range(5)]
    keepers = [keeper_for(await open_leases(work.name), work) for work in works]
    await asyncio.gather(*(keeper.begin() for keeper in keepers))
    try:
        await asyncio.sleep(1.0)
        assert sum(work.running for work in works) == 1
        assert sorted(keeper.state for keeper in keepers) == ["active"] + ["standby"] * 4
        for left in range(4, 0, -1):  # each stop hands it to one of the others
            (active,) = (keeper for keeper in keepers if keeper.state == "active")
            await active.end()
            await until(lambda: sum(work.running for work in works) == 1)
            assert sum(keeper.state == "standby" for keeper in keepers) == left - 1
    finally:
        for keeper in keepers:
            await keeper.end()

    starts = [who for what, who, _ in log if what == "start"]
    assert sorted(starts) == sorted(work.name for work in works)
    running = 0
    for what, _, _ in log:
        running += 1 if what == "start" else -1
        assert running in (0, 1)


async def test_a_restarted_instance_takes_its_own_lease_back_at_once(
    open_leases: Opener,
) -> None:
    log: list[tuple[str, str, float]] = []
    first = keeper_for(await open_leases("room-1"), Work(log, "first"))
    await first.begin()
    assert first._task is not None
    first._task.cancel()  # died holding it

    again = keeper_for(await open_leases("room-1"), Work(log, "again"))
    other = keeper_for(await open_leases("room-2"), Work(log, "other"))
    await again.begin()
    await other.begin()
    try:
        assert (again.state, other.state) == ("active", "standby")
    finally:
        await again.end()
        await other.end()


async def test_exclusive_blocks_take_turns(open_leases: Opener) -> None:
    inside: list[str] = []
    overlaps: list[list[str]] = []

    async def migrate(leases: Leases) -> None:
        async with leases.exclusive("migrations", timeout_s=10):
            inside.append(leases.holder.instance)
            overlaps.append(list(inside))
            await asyncio.sleep(FAST.ttl_s * 1.5)  # longer than the TTL: renewed meanwhile
            inside.remove(leases.holder.instance)

    replicas = [await open_leases(name) for name in ("a", "b", "c")]
    started = time.perf_counter()
    await asyncio.gather(*(migrate(leases) for leases in replicas))
    took = time.perf_counter() - started

    assert all(len(seen) == 1 for seen in overlaps)
    assert took < 3 * FAST.ttl_s * 1.5 + 1.5  # each waited only for the one before it


async def test_work_that_dies_by_itself_is_handed_to_another_replica(
    open_leases: Opener,
) -> None:
    log: list[tuple[str, str, float]] = []
    a, b = Work(log, "a"), Work(log, "b")
    broken = asyncio.Event()
    keeper_a = (await open_leases("a")).keeper(
        "projection.things", start=a.start, stop=a.stop, alive=lambda: not broken.is_set()
    )
    keeper_b = keeper_for(await open_leases("b"), b)
    await keeper_a.begin()
    await keeper_b.begin()
    try:
        broken.set()  # e.g. a runner whose task ended with an error
        took = await until(lambda: b.running, timeout=5)
        assert not a.running
        assert keeper_a.state == "standby"
    finally:
        await keeper_a.end()
        await keeper_b.end()

    assert took < 1.0  # given up at its next check, not left to expire


async def test_a_release_racing_a_renewal_still_frees_the_lease(
    open_leases: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop during a renewal: the renewal is on its way when the release reads the key, and
    the server may answer that read before it stored the renewal. The deletion, which expects
    the revision read, is refused; the lease must be freed all the same, not left held until
    its TTL (a migrations lease: 60 s for every replica starting meanwhile)."""
    holder, other = await open_leases("a"), await open_leases("b")
    lease = Lease(holder, holder.key("migrations"), ttl_s=60)
    assert await lease.try_acquire()
    before_the_renewal = await holder.read(lease.key)
    assert await lease.renew()  # stored now, but the first read below does not show it

    read = holder.read
    answers = [before_the_renewal]

    async def read_racing_the_renewal(key: str) -> Seen:
        return answers.pop() if answers else await read(key)

    monkeypatch.setattr(holder, "read", read_racing_the_renewal)
    await lease.release()

    assert not answers  # the stale answer was read
    assert (await other.read(lease.key)).holder is None
    assert await Lease(other, lease.key).try_acquire()  # the next replica takes it at once
