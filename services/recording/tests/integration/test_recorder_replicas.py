"""Two recording replicas on one database: each Space's recorder runs in one of them (a lease
per Space), and when that replica stops mid-Space the other takes the recording over from the
last stored segment: one recording, every packet in it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from nats.aio.client import Client as NATS

from parley.chassis.service import RunningService, start_service
from parley.contracts.ogg_opus import PRE_SKIP
from parley.recording.bootstrap import definition
from parley.recording.entrypoints.captures import Captures
from parley.recording.settings import RecordingSettings

from .conftest import Origin, Room, tone_packets
from .test_recording_service import wait_for_state


def captures_of(service: RunningService) -> Captures:
    (captures,) = [
        getattr(stop, "__self__", None)
        for stop in service.parts.on_stop
        if isinstance(getattr(stop, "__self__", None), Captures)
    ]
    assert isinstance(captures, Captures)
    return captures


async def until(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_one_replica_records_a_space_and_the_other_takes_over(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    def replica(name: str) -> RecordingSettings:
        return RecordingSettings(
            nats_url=private_nats,
            data_dir=tmp_path / name,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'recording.db'}",
            instance_id=name,
            # The chassis' defaults: a renewal answered within 2.5 s keeps the lease. With 1 s
            # and 0.2 s (0.5 s to renew) a loaded machine stalled this process long enough, while
            # the recorder read the burst below, for the holder to lose its lease mid-Space.
            lease_ttl_s=3.0,
            lease_renew_s=1.0,
            log_json=False,
        )

    first = await start_service(definition, replica("recording-1"))
    second = await start_service(definition, replica("recording-2"))
    services = {"recording-1": first, "recording-2": second}
    try:
        room = Room(stand_in)
        await room.create("sp_two")
        await wait_for_state(first.infra.bus, "sp_two", "recording")
        await room.start("sp_two")
        origin = Origin(stand_in, "sp_two")

        def recording_in() -> list[str]:
            return [name for name, s in services.items() if captures_of(s).recording_here("sp_two")]

        await until(lambda: len(recording_in()) == 1, "no replica took the recording")
        await origin.publish(tone_packets(400))  # 8 s
        (holder,) = recording_in()
        await asyncio.sleep(0.5)
        assert recording_in() == [holder]  # the other stands by

        await services.pop(holder).stop()  # the holder goes away mid-Space
        (other,) = services
        await until(lambda: recording_in() == [other], "the other replica did not take over")
        await origin.publish(tone_packets(400, hz=660.0))  # 8 s more
        await room.end("sp_two")

        ready = await wait_for_state(services[other].infra.bus, "sp_two", "ready")
        assert ready.duration_ms == (800 * 960 - PRE_SKIP) * 1000 // 48_000  # every packet
    finally:
        for service in services.values():
            await service.stop()
