"""Room's side of a recorded Space, on a real nats-server and SQLite: recording's and
clipping's events (published straight onto RECORDING and CLIPPING, neither service running)
become "recording ready" in the inbox of the host and everyone who was on stage, once per
recording, and the replay plays and clips of the host's analytics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from parley.contracts import streams
from parley.contracts.events.clipping import ClipFailed, ClipReady, ClipRequested
from parley.contracts.events.recording import RecordingFinalized, RecordingPlayed
from parley.contracts.events.room import (
    CohostAdded,
    MovedToAudience,
    ParticipantRemoved,
    SpaceEnded,
    SpeakerPromoted,
)
from parley.room.projections.tables import notifications

from .conftest import Room, RoomStarter, client_broker

SPACE = "sp_rec"
HOST = "usr_host"
POLICY = "policy_room_note_recordings_ready"


def finalized(space_id: str = SPACE) -> RecordingFinalized:
    return RecordingFinalized(
        space_id=space_id, object_name=f"{space_id}.ogg", duration_ms=61_000, bytes=90_000
    )


async def recorded_space_ended(room: Room) -> None:
    """Host, a co-host, a speaker who stepped down again, a speaker removed, a listener."""
    await room.register("host", "co", "spk", "gone", "lis")
    await room.space(SPACE, HOST, title="Jazz")
    await room.join(SPACE, "usr_lis", "usr_spk", "usr_gone")
    await room.append(SPACE, CohostAdded(space_id=SPACE, user_id="usr_co", invited_by=HOST))
    for user in ("usr_spk", "usr_gone"):
        await room.append(
            SPACE, SpeakerPromoted(space_id=SPACE, user_id=user, by=HOST, via="invitation")
        )
    await room.append(SPACE, MovedToAudience(space_id=SPACE, user_id="usr_spk", by="usr_spk"))
    await room.append(SPACE, ParticipantRemoved(space_id=SPACE, user_id="usr_gone", by=HOST))
    await room.append(SPACE, SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended"))


async def policy_done(room: Room) -> None:
    js = room.nc.jetstream()

    async def drained() -> bool:
        info = await js.consumer_info(streams.RECORDING.name, POLICY)
        return not (info.num_pending or info.num_ack_pending)

    await room.eventually(drained, timeout=20)


async def inbox(room: Room) -> list[tuple[str, str, str | None]]:
    async with room.sessions() as session:
        rows = await session.execute(
            select(
                notifications.c.recipient_id, notifications.c.kind, notifications.c.space_id
            ).where(notifications.c.kind == "recording_ready")
        )
        return sorted((str(who), str(kind), where) for who, kind, where in rows.all())


async def test_recording_ready_tells_the_host_and_the_stage_once(start_room: RoomStarter) -> None:
    async with start_room() as room:
        await recorded_space_ended(room)
        await room.recording_event(SPACE, finalized())
        await policy_done(room)
        await room.settle()
        told = await inbox(room)
        assert told == [
            ("usr_co", "recording_ready", SPACE),
            ("usr_host", "recording_ready", SPACE),
            ("usr_spk", "recording_ready", SPACE),  # on stage once, then stepped down
        ]  # not the listener, not the speaker removed
        page = await room.query("list_notifications", {}, actor=HOST)
        ready = page["items"][0]
        assert (ready["kind"], ready["space_id"], ready["text"], ready["actor_id"]) == (
            "recording_ready",
            SPACE,
            "The recording of “Jazz” is ready",
            None,
        )
        assert (await room.query("list_notifications", {}, actor="usr_lis"))["items"] == []

        # The same recording finalized again on the stream: noted already, nothing more.
        await room.recording_event(SPACE, finalized())
        await policy_done(room)
        await room.settle()
        assert (await room.events_of(SPACE)).count("RecordingReadyNoted") == 1
        assert await inbox(room) == told

    # The policy's consumer is gone (a new deployment, a reset): RECORDING comes again, from
    # its first event, and still nothing more is noted or told.
    broker = await client_broker(room.running.infra.settings.nats_url, "consumer-reset")
    try:
        await broker.connection.jetstream().delete_consumer(streams.RECORDING.name, POLICY)
    finally:
        await broker.stop()
    async with start_room() as room:
        await policy_done(room)
        await room.settle()
        assert (await room.events_of(SPACE)).count("RecordingReadyNoted") == 1
        assert await inbox(room) == told


async def test_a_recording_of_a_space_room_does_not_know_notes_nothing(room: Room) -> None:
    await room.recording_event("sp_elsewhere", finalized("sp_elsewhere"))
    await policy_done(room)
    assert await room.events_of("sp_elsewhere") == []


def clip(clip_id: str, space_id: str) -> list[Any]:
    requested = ClipRequested(
        clip_id=clip_id,
        space_id=space_id,
        by="usr_lis",
        source="replay",
        start_s=0.0,
        duration_s=30.0,
        requested_at_ns=0,
    )
    ready = ClipReady(
        clip_id=clip_id,
        space_id=space_id,
        object_name=f"{clip_id}.ogg",
        duration_ms=30_000,
        bytes=40_000,
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    return [requested, ready]


async def test_analytics_count_replay_plays_and_clips(room: Room) -> None:
    await room.space(SPACE, HOST)
    await room.space("sp_other", HOST)
    await room.settle()
    before = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert (before["replay_plays"], before["clips"]) == (0, 0)

    await room.recording_event(SPACE, finalized())
    for listener, space in (("usr_a", SPACE), ("usr_b", SPACE), ("usr_a", "sp_other")):
        played = RecordingPlayed(space_id=space, listener=listener, played_at=datetime.now(UTC))
        await room.recording_event(space, played)
    for event in [*clip("clp_1", SPACE), *clip("clp_2", SPACE), *clip("clp_3", "sp_other")]:
        await room.clipping_event(event.clip_id, event)
    failed = ClipFailed(clip_id="clp_4", space_id=SPACE, reason="cut failed")
    await room.clipping_event("clp_4", failed)
    await room.settle()

    stats = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert (stats["replay_plays"], stats["clips"]) == (2, 2)
    other = await room.query("get_space_analytics", {"space_id": "sp_other"}, actor=HOST)
    assert (other["replay_plays"], other["clips"]) == (1, 1)

    # Rebuilt from RECORDING and CLIPPING: the same numbers.
    for runner in room.running.runners:
        if runner.projection.name in ("room_replay_plays", "room_clips"):
            await runner.rebuild()
    await room.settle()
    again = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
    assert (again["replay_plays"], again["clips"]) == (2, 2)
