"""Clips' transcripts on a private nats-server and SQLite, captions' final segments appended
to CAPTIONS as captions appends them: a replay clip takes the segments of its window captioned
before it, segments finalized later fill in, a live clip's window is on the recording's clock,
nothing outside the window gets in, and redelivered events append nothing. get_clip lists the
segments on the clip's clock, each attachment's list replacing the last, and migration 0003
rebuilds them for the clips already made."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from nats.aio.client import Client as NATS
from sqlalchemy import func, select

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.db import create_engine, run_migrations
from parley.chassis.projections import ProjectionRunner
from parley.chassis.service import RunningService, start_service
from parley.clipping.bootstrap import MIGRATIONS, definition
from parley.clipping.projections.caption_segments import CaptionSegmentsProjection
from parley.clipping.projections.recordings import RecordingsProjection
from parley.clipping.projections.spaces import SpacesProjection
from parley.clipping.projections.tables import caption_segments
from parley.clipping.settings import ClippingSettings
from parley.contracts import streams
from parley.contracts.api import clipping as api
from parley.contracts.events.clipping import ClipTranscriptAttached

from .conftest import (
    Captions,
    Room,
    clip_events,
    clip_view,
    create_once_ready,
    delete_recording,
    finished_recording,
    now_ns,
    publish_program,
    tone_packets,
    wait_for,
)
from .test_database import downgrade

LISTENER = RequestContext(actor="usr_listener")
CAUGHT_UP_S = 30  # generous: a loaded machine is slow, a broken read model never gets there
TRANSCRIPT_POLICIES = (
    (streams.CLIPPING, "policy_clipping_attach_transcript_when_clip_ready"),
    (streams.CAPTIONS, "policy_clipping_attach_to_clips_when_caption_segment_finalized"),
)


async def start(private_nats: str, tmp_path: Path) -> RunningService:
    settings = ClippingSettings(nats_url=private_nats, data_dir=tmp_path, log_json=False)
    return await start_service(definition, settings)


def runner(service: RunningService, projection: str) -> ProjectionRunner:
    (found,) = [each for each in service.runners if each.projection.name == projection]
    return found


async def transcript_once(bus: BusClient, clip_id: str, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        view = await clip_view(bus, clip_id)
        if view is not None and view.transcript == text:
            return
        assert time.monotonic() < deadline, f"{clip_id}'s transcript never {text!r}: {view}"
        await asyncio.sleep(0.02)


Line = tuple[str, int, int, str]


def lines(view: api.ClipView | None) -> list[Line]:
    segments = view.transcript_segments if view is not None else []
    return [(each.speaker_id, each.start_ms, each.end_ms, each.text) for each in segments]


async def lines_once(
    bus: BusClient, clip_id: str, expected: list[Line], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        view = await clip_view(bus, clip_id)
        if lines(view) == expected:
            return
        assert time.monotonic() < deadline, f"{clip_id}'s lines never {expected}: {view}"
        await asyncio.sleep(0.02)


async def migrate_from_0002(settings: ClippingSettings) -> None:
    """0003 again on the service's database, as on one made before it: the clips cleared."""
    engine = create_engine(settings.resolved_database_url())
    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade, "0002")
        await run_migrations(engine, MIGRATIONS)
    finally:
        await engine.dispose()


async def transcript_policies_idle(nc: NATS, timeout: float = 30) -> None:
    """Both transcript policies have handled every event their streams hold (none pending,
    none waiting for an ack or a retry)."""
    js = nc.jetstream()
    deadline = time.monotonic() + timeout
    for stream, durable in TRANSCRIPT_POLICIES:
        while True:
            info = await js.consumer_info(stream.name, durable)
            if info.num_pending == 0 and info.num_ack_pending == 0:
                break
            assert time.monotonic() < deadline, f"{durable} still busy: {info}"
            await asyncio.sleep(0.05)


async def attachments(nc: NATS, clip_id: str) -> list[ClipTranscriptAttached]:
    events = await clip_events(nc, clip_id)
    return [each for each in events if isinstance(each, ClipTranscriptAttached)]


async def test_a_replay_clip_gets_its_windows_words_then_the_later_ones(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    room, captions = Room(stand_in), Captions(stand_in)
    await room.live("sp_talk")
    # Captioned while the Space was live, before anyone clipped it.
    await captions.final("sp_talk", "usr_a", 4_000, 9_000, "Before the window.")
    await captions.final("sp_talk", "usr_a", 11_000, 14_000, "Welcome to the show.")
    await captions.final("sp_talk", "usr_b", 14_500, 17_000, "Glad to be here.")
    await captions.final("sp_talk", "usr_b", 18_000, 19_000, "Really glad.")
    await captions.final("sp_talk", "usr_b", 39_000, 41_000, "Cut at the end.")
    await captions.final("sp_talk", "usr_a", 40_000, 43_000, "After the window.")
    await room.end("sp_talk")
    await finished_recording(stand_in, "sp_talk", tone_packets([(440, 60)]))

    service = await start(private_nats, tmp_path)
    try:
        bus = service.infra.bus
        await transcript_policies_idle(stand_in)  # the segments so far: no clip to go to yet
        replay = api.CreateClip(space_id="sp_talk", start_s=10)  # 10..40 s
        created = await create_once_ready(bus, replay, LISTENER)
        clip_id = created.clip_id
        await wait_for(bus, clip_id, "ready")
        # One line per speaker's turn: usr_b's three segments are one turn, for now.
        before = "Welcome to the show.\nGlad to be here. Really glad. Cut at the end."
        await transcript_once(bus, clip_id, before)
        # On the clip's clock (it starts at 10 s): the last words run past its end, cut there.
        ready = await clip_view(bus, clip_id)
        assert ready is not None
        assert ready.duration_s is not None
        end_ms = round(ready.duration_s * 1000)
        assert 29_000 < end_ms < 31_000, end_ms
        cut = ("usr_b", 29_000, end_ms, "Cut at the end.")
        assert lines(ready) == [
            ("usr_a", 1_000, 4_000, "Welcome to the show."),
            ("usr_b", 4_500, 7_000, "Glad to be here."),
            ("usr_b", 8_000, 9_000, "Really glad."),
            cut,
        ]

        # Finalized after the clip was ready: the words in its window join in time order,
        # the others do not.
        await captions.final("sp_talk", "usr_a", 44_000, 46_000, "Long after.")
        await captions.final("sp_talk", "usr_a", 20_000, 22_000, "Said later.")
        after = "Welcome to the show.\nGlad to be here. Really glad.\nSaid later.\nCut at the end."
        await transcript_once(bus, clip_id, after)
        await transcript_policies_idle(stand_in)
        view = await bus.call(api.GET_CLIP, api.ClipRef(clip_id=clip_id), RequestContext())
        assert view.transcript == after
        # The later attachment's whole list replaced the first's.
        after_lines = [
            ("usr_a", 1_000, 4_000, "Welcome to the show."),
            ("usr_b", 4_500, 7_000, "Glad to be here."),
            ("usr_b", 8_000, 9_000, "Really glad."),
            ("usr_a", 10_000, 12_000, "Said later."),
            cut,
        ]
        assert lines(view) == after_lines
        [first, second] = await attachments(stand_in, clip_id)
        assert first.text == before
        assert [(s.speaker_id, s.start_ms, s.text) for s in second.segments] == [
            ("usr_a", 11_000, "Welcome to the show."),
            ("usr_b", 14_500, "Glad to be here."),
            ("usr_b", 18_000, "Really glad."),
            ("usr_a", 20_000, "Said later."),
            ("usr_b", 39_000, "Cut at the end."),
        ]
    finally:
        await service.stop()

    # Every event of both policies delivered again (a new durable starts from the first
    # event): nothing is appended twice. And the clips' read model as 0003 leaves it (cleared,
    # its position forgotten): rebuilt from CLIPPING, the lines are back as they were.
    for stream, durable in TRANSCRIPT_POLICIES:
        await stand_in.jetstream().delete_consumer(stream.name, durable)
    await migrate_from_0002(ClippingSettings(data_dir=tmp_path))
    service = await start(private_nats, tmp_path)
    try:
        await lines_once(service.infra.bus, clip_id, after_lines)
        await transcript_policies_idle(stand_in)
        assert [each.text for each in await attachments(stand_in, clip_id)] == [before, after]
        view = await service.infra.bus.call(
            api.GET_CLIP, api.ClipRef(clip_id=clip_id), RequestContext()
        )
        assert view.transcript == after
        assert lines(view) == after_lines
    finally:
        await service.stop()


async def test_a_live_clip_works_before_captions_and_gets_its_words_later(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    service = await start(private_nats, tmp_path)
    try:
        bus = service.infra.bus
        room, captions = Room(stand_in), Captions(stand_in)
        await room.live("sp_live")
        await room.join("sp_live", "usr_listener")
        # 40 s of program (media time 0..40 s): the last 30 s are 10..40 s of the recording.
        await publish_program(stand_in, "sp_live", tone_packets([(440, 40)]), end_ns=now_ns())
        # once clipping's read model knows the listener is in
        await runner(service, SpacesProjection.name).wait_until_caught_up(CAUGHT_UP_S)
        created = await bus.call(api.CREATE_CLIP, api.CreateClip(space_id="sp_live"), LISTENER)
        ready = await wait_for(bus, created.clip_id, "ready")
        await transcript_policies_idle(stand_in)
        assert ready.transcript == ""  # no captions yet: the clip works without

        await captions.final("sp_live", "usr_host", 2_000, 4_000, "Too early for the clip.")
        await captions.final("sp_live", "usr_host", 25_000, 27_000, "In the live clip.")
        await transcript_once(bus, created.clip_id, "In the live clip.")
        await captions.final("sp_live", "usr_guest", 9_000, 10_500, "Just in.")
        await transcript_once(bus, created.clip_id, "Just in.\nIn the live clip.")
        await transcript_policies_idle(stand_in)
        [*_, last] = await attachments(stand_in, created.clip_id)
        assert [(s.speaker_id, s.start_ms) for s in last.segments] == [
            ("usr_guest", 9_000),
            ("usr_host", 25_000),
        ]
        # On the clip's clock (it starts near 10 s): the guest's words, cut by its start,
        # start at 0.
        guest, host = lines(await clip_view(bus, created.clip_id))
        assert guest[:2] == ("usr_guest", 0)
        assert 0 < guest[2] <= 1_000, guest
        assert host[0] == "usr_host"
        assert 14_000 <= host[1] <= 16_000, host
        assert host[2] - host[1] == 2_000, host
    finally:
        await service.stop()


async def test_only_the_segments_clips_may_need_are_kept(
    stand_in: NATS, private_nats: str, tmp_path: Path
) -> None:
    service = await start(private_nats, tmp_path)
    try:
        room, captions = Room(stand_in), Captions(stand_in)
        await room.live("sp_plain", recording=False)
        await room.live("sp_gone")
        await room.end("sp_gone")
        await finished_recording(stand_in, "sp_gone", tone_packets([(440, 40)]))
        await captions.final("sp_gone", "usr_a", 1_000, 2_000, "Kept until deleted.")
        await runner(service, SpacesProjection.name).wait_until_caught_up(CAUGHT_UP_S)
        await captions.final("sp_plain", "usr_a", 1_000, 2_000, "Never clipped.")

        async def kept(space_id: str) -> int:
            await runner(service, CaptionSegmentsProjection.name).wait_until_caught_up(CAUGHT_UP_S)
            async with service.infra.sessions() as session:
                count = await session.scalar(
                    select(func.count()).where(caption_segments.c.space_id == space_id)
                )
            return int(count or 0)

        assert await kept("sp_plain") == 0  # not recorded: it has no clips
        assert await kept("sp_gone") == 1
        await delete_recording(stand_in, "sp_gone")
        await runner(service, RecordingsProjection.name).wait_until_caught_up(CAUGHT_UP_S)
        assert await kept("sp_gone") == 0  # the recording deleted: its words go
        await captions.final("sp_gone", "usr_a", 3_000, 4_000, "Too late.")
        assert await kept("sp_gone") == 0  # nor are later ones kept
    finally:
        await service.stop()
