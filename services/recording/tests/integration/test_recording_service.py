"""The recording service in-process on a private nats-server and SQLite: its routes, a
recorded Space captured from the feed into the object store, finalized on room's SpaceEnded."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest
from nats.aio.client import Client as NATS
from nats.js.errors import NotFoundError
from nats.js.object_store import ObjectStore

from parley.chassis.bus import RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.service import start_service
from parley.contracts.api import recording as api
from parley.contracts.ogg_opus import PRE_SKIP
from parley.recording.adapters.objects import BUCKET
from parley.recording.bootstrap import definition
from parley.recording.settings import RecordingSettings
from parley.testing.routes import route_subjects

from .conftest import Origin, Room, decode, tone_packets

HOST = RequestContext(actor="usr_host")


async def object_names(objects: ObjectStore) -> list[str]:
    try:
        return sorted(info.name for info in await objects.list(ignore_deletes=True))
    except NotFoundError:  # the bucket holds nothing
        return []


async def wait_for_state(
    bus: object, space_id: str, state: str, timeout: float = 20
) -> api.RecordingView:
    deadline = time.monotonic() + timeout
    while True:
        try:
            view = await bus.call(api.GET_RECORDING, api.RecordingRef(space_id=space_id), HOST)  # type: ignore[attr-defined]
            if view.state == state:
                return view
        except DomainError:
            pass
        assert time.monotonic() < deadline, f"{space_id} never {state}"
        await asyncio.sleep(0.05)


async def test_a_recorded_space_becomes_one_playable_object(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    settings = RecordingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    service = await start_service(definition, settings)
    try:
        assert route_subjects(service.parts) == api.ROUTES.subjects()
        bus = service.infra.bus
        room = Room(stand_in)
        await room.create("sp_plain", recording=False)
        await room.create("sp_rec")
        await wait_for_state(bus, "sp_rec", "recording")
        await room.start("sp_rec")

        origin = Origin(stand_in, "sp_rec")
        await origin.publish(tone_packets(640))  # 12.8 s: two whole segments and a part

        await room.end("sp_rec")
        ended = time.monotonic()
        ready = await wait_for_state(bus, "sp_rec", "ready")
        print(f"\nend -> ready: {time.monotonic() - ended:.2f} s")
        assert ready.object_name == "sp_rec.ogg"
        assert ready.duration_ms == (640 * 960 - PRE_SKIP) * 1000 // 48_000

        objects = await stand_in.jetstream().object_store(BUCKET)
        stored = await objects.get("sp_rec.ogg")
        assert stored.data is not None
        assert len(stored.data) == ready.bytes
        assert stored.info.headers
        assert stored.info.headers.get("Parley-Duration-Ms")
        samples = decode(stored.data)
        assert samples.size == 640 * 960 - PRE_SKIP
        assert np.sqrt(np.mean(samples[48_000:96_000] ** 2)) > 0.1  # the tone, not silence
        assert await object_names(objects) == ["sp_rec.ogg"]  # the segments went once it was whole

        # An unrecorded Space has no recording; the history is the host's.
        with pytest.raises(DomainError) as missing:
            await bus.call(api.GET_RECORDING, api.RecordingRef(space_id="sp_plain"), HOST)
        assert (missing.value.status, missing.value.type) == (404, "recording-not-found")
        mine = await bus.call(api.LIST_MY_RECORDINGS, api.MyRecordings(), HOST)
        assert [view.space_id for view in mine.recordings] == ["sp_rec"]
        with pytest.raises(DomainError) as anonymous:
            await bus.call(api.LIST_MY_RECORDINGS, api.MyRecordings(), RequestContext())
        assert anonymous.value.status == 401

        # Only the host deletes it; its audio goes with it.
        other = RequestContext(actor="usr_other")
        with pytest.raises(DomainError) as refused:
            await bus.call(api.DELETE_RECORDING, api.RecordingRef(space_id="sp_rec"), other)
        assert (refused.value.status, refused.value.type) == (403, "not-the-host")
        deleted = await bus.call(api.DELETE_RECORDING, api.RecordingRef(space_id="sp_rec"), HOST)
        assert deleted.state == "deleted"
        assert await object_names(objects) == []
    finally:
        await service.stop()
