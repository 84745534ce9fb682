"""A recorder that reads on after it is cancelled is still stopped: on Python 3.11,
``asyncio.wait_for`` inside nats-py's ``next_msg`` swallows a cancellation that races with an
arriving packet, which a recorder reading a backlog meets most of the time. Here the recorder
(or the supervisor, whose requests race the same way) swallows its first cancellation on
purpose, so that the race is there in every run."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from nats.aio.client import Client as NATS

from parley.chassis.leases import BUCKET, Holder
from parley.chassis.service import RunningService, start_service
from parley.recording.bootstrap import definition
from parley.recording.entrypoints import captures as captures_module
from parley.recording.handlers.capture import capture
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.queries.recordings import recordings_being_made
from parley.recording.settings import RecordingSettings

from .conftest import Room
from .test_recorder_replicas import captures_of, until
from .test_recording_service import wait_for_state


@pytest.fixture
def swallowed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The recorder reads on after its first cancellation (the Spaces it did it for)."""
    spaces: list[str] = []

    async def reading_on_after_a_cancellation(deps: RecordingDeps, space_id: str) -> None:
        try:
            await capture(deps, space_id)
        except asyncio.CancelledError:
            if spaces:
                raise
            spaces.append(space_id)  # as wait_for does when a packet came with the cancellation
            await capture(deps, space_id)

    monkeypatch.setattr(captures_module, "capture", reading_on_after_a_cancellation)
    return spaces


async def recording(stand_in: NATS, private_nats: str, tmp_path: Path) -> RunningService:
    settings = RecordingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    room = Room(stand_in)
    await room.create("sp_on")
    await wait_for_state(service.infra.bus, "sp_on", "recording")
    await room.start("sp_on")
    await until(lambda: captures_of(service).recording_here("sp_on"), "nothing recorded")
    return service


async def stop(service: RunningService) -> None:
    """Bounded only so that a stop waiting forever fails here, not at the suite's timeout (not
    with asyncio.wait_for: its cancellation of the stop would be swallowed the same way)."""
    stopping = asyncio.create_task(service.stop())
    done, _ = await asyncio.wait({stopping}, timeout=30)
    assert done, "the service's stop hangs"
    await stopping


async def test_stopping_the_service_stops_a_recorder_that_read_on(
    stand_in: NATS, private_nats: str, tmp_path: Path, swallowed: list[str]
) -> None:
    service = await recording(stand_in, private_nats, tmp_path)
    await stop(service)
    assert swallowed == ["sp_on"]


async def test_a_replica_that_lost_the_lease_records_again_once_it_is_free(
    stand_in: NATS, private_nats: str, tmp_path: Path, swallowed: list[str]
) -> None:
    service = await recording(stand_in, private_nats, tmp_path)
    captures = captures_of(service)
    try:
        leases = await stand_in.jetstream().key_value(BUCKET)
        key = "recording.capture.sp_on"
        intruder = Holder(instance="recording-intruder", pid=1, host="elsewhere")
        await leases.put(key, intruder.encode())  # its next renewal finds the lease taken
        await until(lambda: not captures.recording_here("sp_on"), "it recorded on")

        await leases.delete(key)  # free again: this replica stands by for it
        await until(lambda: captures.recording_here("sp_on"), "it never took the lease back")
        assert swallowed == ["sp_on"]
    finally:
        await stop(service)


async def test_stopping_the_service_stops_a_supervisor_that_read_on(
    stand_in: NATS, private_nats: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting = asyncio.Event()

    async def answered_with_the_cancellation(sessions: object) -> list[str]:
        if waiting.is_set():
            return await recordings_being_made(sessions)  # type: ignore[arg-type]
        waiting.set()
        # Swallowed, as wait_for does when the reply came with the cancellation.
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()
        return []

    monkeypatch.setattr(captures_module, "recordings_being_made", answered_with_the_cancellation)
    settings = RecordingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    await waiting.wait()
    await stop(service)
