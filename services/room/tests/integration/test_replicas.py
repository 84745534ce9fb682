"""Two replicas of room on one database: each read model is applied by one of them (the one
holding its lease); a Space whose host stays away ends exactly once (its host-grace timer is
the broker's, its firing handled by one replica), also when both replicas fire it at the same
moment and when a replica is killed (``kill -9``) before the deadline."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.event_store import EventStore
from parley.chassis.health import replica_statuses
from parley.contracts import streams
from parley.contracts.api.room import (
    CREATE_SPACE,
    HOST_PRESENCE,
    START_SPACE,
    CreateSpace,
    HostPresence,
    SpaceRef,
)
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.end_if_host_still_away import end_if_host_still_away
from parley.room.projections.participants import ParticipantsProjection
from parley.testing.processes import ServiceProcess

from .conftest import RoomStarter, client_broker, other_streams_exist
from .test_host_grace_timer import deadline_of

GRACE_S = 1.0
FAST_LEASES = {"lease_ttl_s": 1.0, "lease_renew_s": 0.2}


def replica(start_room: RoomStarter, instance: str, **overrides: Any) -> Any:
    return start_room(instance_id=instance, host_grace_s=GRACE_S, **FAST_LEASES, **overrides)


async def ended_once(room: Any, space_id: str) -> None:
    async def ended() -> bool:
        view = await room.query("get_space", {"space_id": space_id})
        return bool(view["state"] == "ended")

    await room.eventually(ended)
    await asyncio.sleep(0.5)  # a few more rounds of both clocks: nothing more happens
    assert (await room.events_of(space_id)).count("SpaceEnded") == 1


async def test_two_replicas_end_a_space_whose_host_stays_away_once(
    start_room: RoomStarter,
) -> None:
    async with replica(start_room, "room-1") as one, replica(start_room, "room-2") as two:
        participants = ParticipantsProjection.name
        assert one.running.infra.positions.applies(participants)
        assert not two.running.infra.positions.applies(participants)
        (host,) = await one.register("host")
        spaces = [await one.live_space(host) for _ in range(3)]
        for space_id in spaces:  # commands go to either replica (one queue group)
            await two.command("host_presence", {"space_id": space_id, "connected": False}, host)
        for space_id in spaces:
            await ended_once(one, space_id)
            stored, _ = await one.room_events.load(space_id)
            (ended,) = [item for item in stored if item.envelope.event_type == "SpaceEnded"]
            assert ended.envelope.causation_id == "host-grace-timer"


async def test_both_replicas_firing_a_timer_at_the_same_moment_end_the_space_once(
    start_room: RoomStarter,
) -> None:
    async with replica(start_room, "room-1") as one, replica(start_room, "room-2") as two:
        (host,) = await one.register("host")
        space_id = await one.live_space(host)
        await one.command("host_presence", {"space_id": space_id, "connected": False}, host)
        deadline = await deadline_of(one, space_id)  # due once the clocks below say far later

        def late_deps(room: Any) -> RoomDeps:
            infra = room.running.infra
            return RoomDeps(
                store=EventStore(infra.nc, stream=streams.ROOM.name, context=streams.ROOM.context),
                sessions=infra.sessions,
                clock=lambda: datetime(2100, 1, 1, tzinfo=UTC),
            )

        ended = await asyncio.gather(
            *(
                end_if_host_still_away(late_deps(room), space_id, deadline)
                for room in (one, two, one, two)
            )
        )

        assert sorted(ended) == [False, False, False, True]
        await ended_once(two, space_id)


async def test_the_space_ends_once_when_the_replica_running_the_clock_is_killed(
    tmp_path: Path, private_nats: str
) -> None:
    """As processes, the way ``parley up --replicas 2`` runs them (default leases: 3 s)."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'room.db'}"
    env = {"PARLEY_HOST_GRACE_S": "4"}

    def room_process(instance: str) -> ServiceProcess:
        return ServiceProcess(
            "room",
            nats_url=private_nats,
            data_dir=tmp_path / f"data-{instance}",
            database_url=database,
            env={**env, "PARLEY_INSTANCE_ID": instance},
            log_file=tmp_path / f"{instance}.log",
        )

    broker = await client_broker(private_nats, "replicas-test")
    first, second = room_process("room-1"), room_process("room-2")
    try:
        await other_streams_exist(broker)
        first.start()
        await first.wait_until_ready(60)
        second.start()
        await until_both_ready(broker.connection)
        bus = BusClient(broker, timeout=10)
        host = RequestContext("usr_host")
        space = await bus.call(CREATE_SPACE, CreateSpace(title="Two replicas"), host)
        await bus.call(START_SPACE, SpaceRef(space_id=space.id), host)
        # The grace runs from the disconnection's event, stored during this call: measured
        # from the call's start (its end is later by the reply's way back, ~ms).
        away = time.perf_counter()
        await bus.call(HOST_PRESENCE, HostPresence(space_id=space.id, connected=False), host)

        first.kill()  # the timer's firing goes to the replica still there

        store = EventStore(broker.connection, stream=streams.ROOM.name, context="room")
        while (ended := await count_ended(store, space.id)) == 0:
            assert time.perf_counter() - away < 30, second.log[-3000:]
            await asyncio.sleep(0.1)
        took = time.perf_counter() - away
        await asyncio.sleep(1.0)  # nothing more happens
        assert await count_ended(store, space.id) == ended == 1
        assert took >= 4.0  # not before the deadline
        assert "room.host_timeout" in second.log
    finally:
        first.kill()
        if second.process is not None:
            await second.stop()
        await broker.stop()


async def until_both_ready(nc: Any, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        statuses = await replica_statuses(nc, "room", expected=2, timeout_s=5)
        ready = {status["instance"] for status in statuses if status["ready"]}
        if ready == {"room-1", "room-2"}:
            standby = next(s for s in statuses if s["instance"] == "room-2")["standby"]
            assert standby.get(ParticipantsProjection.name) == "room-1"
            return
        assert time.perf_counter() < deadline, statuses
        await asyncio.sleep(0.2)


async def count_ended(store: EventStore, space_id: str) -> int:
    stored, _ = await store.load(space_id)
    return sum(item.envelope.event_type == "SpaceEnded" for item in stored)
