"""``room_participants``: stays open and close, the count and its peak, who hosts the Spaces
not ended yet, and the throttled ``listeners.count`` live message. The counts a batch of events
changed are written once per batch: the same rows as one event at a time, after a rebuild, and
when an event is applied again."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from parley.chassis.event_store import StoredEvent, decode_message
from parley.chassis.projections import ProjectionRunner
from parley.contracts import streams
from parley.contracts.events.room import (
    ListenerJoined,
    ParticipantLeft,
    ParticipantRemoved,
    SpaceEnded,
    membership_id,
)
from parley.room.clock import utc
from parley.room.projections.participants import ParticipantsProjection, history_bucket
from parley.room.projections.tables import listener_history, open_spaces, participants, presence

from .conftest import Room

SPACE = "sp_presence"
HOST = "usr_host"


async def stays(room: Room) -> list[tuple[str, bool, str | None]]:
    async with room.sessions() as session:
        rows = await session.execute(
            select(participants.c.user_id, participants.c.left_at, participants.c.left_reason)
            .where(participants.c.space_id == SPACE)
            .order_by(participants.c.user_id, participants.c.joined_seq)
        )
        return [(user, left_at is None, reason) for user, left_at, reason in rows.all()]


async def counts(room: Room) -> tuple[int, int, int]:
    """(stored count, peak, open stays counted the way the write side counts them)."""
    async with room.sessions() as session:
        row = (
            await session.execute(
                select(presence.c.listener_count, presence.c.peak_listeners).where(
                    presence.c.space_id == SPACE
                )
            )
        ).one()
        open_stays = await session.scalar(
            select(func.count()).where(
                participants.c.space_id == SPACE, participants.c.left_at.is_(None)
            )
        )
        return int(row[0]), int(row[1]), int(open_stays or 0)


async def hosts_of_open_spaces(room: Room) -> list[tuple[str, str]]:
    async with room.sessions() as session:
        rows = await session.execute(select(open_spaces.c.space_id, open_spaces.c.host_id))
        return sorted((row[0], row[1]) for row in rows.all())


async def test_stays_open_close_and_are_counted(room_on_each_database: Room) -> None:
    room = room_on_each_database
    await room.space(SPACE, HOST)
    await room.join(SPACE, "usr_a", "usr_b", "usr_c")
    await room.leave(SPACE, "usr_a")
    await room.join(SPACE, "usr_a")  # back: a second stay
    await room.join(SPACE, "usr_b")  # already in: nothing changes
    await room.append(SPACE, ParticipantRemoved(space_id=SPACE, user_id="usr_c", by=HOST))
    await room.leave(SPACE, "usr_zed")  # never joined: nothing changes
    await room.settle()

    assert await stays(room) == [
        ("usr_a", False, "left"),
        ("usr_a", True, None),
        ("usr_b", True, None),
        ("usr_c", False, "removed"),
    ]
    assert await counts(room) == (2, 3, 2)
    assert await hosts_of_open_spaces(room) == [(SPACE, HOST)]

    ended_at = datetime.now(UTC) + timedelta(seconds=5)
    await room.append(
        SPACE, SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=ended_at)
    )
    await room.join(SPACE, "usr_late")  # after the end: not a stay
    await room.settle()

    assert await stays(room) == [
        ("usr_a", False, "left"),
        ("usr_a", False, "space_ended"),
        ("usr_b", False, "space_ended"),
        ("usr_c", False, "removed"),
    ]
    assert await counts(room) == (0, 3, 0)
    assert await hosts_of_open_spaces(room) == []
    async with room.sessions() as session:
        left = await session.scalars(
            select(participants.c.left_at).where(participants.c.left_reason == "space_ended")
        )
        assert {utc(moment) for moment in left} == {ended_at}
        durations = await session.scalars(select(participants.c.listened_s))
        assert all(duration is not None and duration >= 0 for duration in durations)


async def test_listener_count_is_published_at_most_once_a_second(room: Room) -> None:
    live = await room.listen(f"live.space.{SPACE}")
    await room.space(SPACE, HOST)
    users = [f"usr_{n}" for n in range(40)]
    started = asyncio.get_running_loop().time()
    for user in users:  # 40 joins over about 2 s
        await room.join(SPACE, user)
        await asyncio.sleep(0.05)
    await room.leave(SPACE, *users[:5])
    await room.settle()
    changing_s = asyncio.get_running_loop().time() - started
    await asyncio.sleep(1.3)  # the last change goes out when its interval is over

    timed = live.timed("listeners.count")
    messages = [message for message, _ in timed]
    # One message a second while the count changes, and the last one after it stopped.
    assert 2 <= len(messages) <= int(changing_s) + 2, (changing_s, [m.data for m in messages])
    assert messages[-1].data == {"count": 35}
    assert all(message.space_id == SPACE for message in messages)
    arrivals = [arrived for _, arrived in timed]
    assert all(later - earlier >= 0.9 for earlier, later in itertools.pairwise(arrivals))


def participants_runner(room: Room) -> ProjectionRunner:
    return next(r for r in room.running.runners if r.projection.name == "room_participants")


async def read_model(room: Room) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the read model's tables, comparable across runs."""
    async with room.sessions() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in (await session.execute(select(table))).all()), key=repr
            )
            for table in ParticipantsProjection.tables
        }


async def history(room: Room, space_id: str) -> dict[datetime, int]:
    async with room.sessions() as session:
        rows = await session.execute(
            select(listener_history.c.bucket_at, listener_history.c.listener_count).where(
                listener_history.c.space_id == space_id
            )
        )
        return {utc(bucket): count for bucket, count in rows.all()}


async def room_stream(room: Room) -> list[StoredEvent]:
    js = room.nc.jetstream()
    last = (await js.stream_info(streams.ROOM.name)).state.last_seq
    stored = []
    for seq in range(1, last + 1):
        message = await js.get_msg(streams.ROOM.name, seq)
        assert message.data is not None
        assert message.subject is not None
        stored.append(decode_message(message.data, message.subject, seq))
    return stored


async def test_a_batch_of_joins_and_leaves_counts_as_one_event_at_a_time(
    room_on_each_database: Room,
) -> None:
    """join, leave, rejoin, a second join, removal, a leave of nobody, in two Spaces, all in
    one batch (the runner is stopped while they are appended), across three history buckets;
    then the end and a late join in another batch. Then the same rows after a rebuild, after
    applying every event one at a time, and after applying each of them twice."""
    room = room_on_each_database
    live = await room.listen(f"live.space.{SPACE}")
    other = "sp_other"
    await room.space(SPACE, HOST)
    await room.space(other, HOST)
    runner = participants_runner(room)
    await room.settle()
    start = history_bucket(datetime.now(UTC)) - timedelta(minutes=2)

    async def at(seconds: int, space_id: str, user_id: str, event: Any) -> None:
        moment = start + timedelta(seconds=seconds)
        await room.append_at(moment, membership_id(space_id, user_id), event)

    def joined(space_id: str, user_id: str) -> ListenerJoined:
        return ListenerJoined(space_id=space_id, user_id=user_id)

    def left(space_id: str, user_id: str) -> ParticipantLeft:
        return ParticipantLeft(space_id=space_id, user_id=user_id)

    await runner.stop()
    for second, user in ((1, "usr_a"), (2, "usr_b"), (3, "usr_c")):
        await at(second, SPACE, user, joined(SPACE, user))
    await at(4, other, "usr_x", joined(other, "usr_x"))
    await at(11, SPACE, "usr_a", left(SPACE, "usr_a"))
    await at(12, SPACE, "usr_a", joined(SPACE, "usr_a"))  # back: a second stay
    await at(13, SPACE, "usr_b", joined(SPACE, "usr_b"))  # already in: nothing changes
    await at(14, other, "usr_y", joined(other, "usr_y"))
    await at(15, other, "usr_x", left(other, "usr_x"))
    removed = ParticipantRemoved(space_id=SPACE, user_id="usr_c", by=HOST)
    await at(21, SPACE, "usr_c", removed)
    await at(22, SPACE, "usr_zed", left(SPACE, "usr_zed"))  # never joined: nothing changes
    await runner.start()
    await room.settle()

    assert await counts(room) == (2, 3, 2)
    bucket = [start + timedelta(seconds=n) for n in (0, 10, 20, 30, 40)]
    assert await history(room, SPACE) == {bucket[0]: 3, bucket[1]: 3, bucket[2]: 2}
    assert await history(room, other) == {bucket[0]: 1, bucket[1]: 1}
    message = await live.wait_for("listeners.count", where=lambda m: m.data == {"count": 2})
    assert message.space_id == SPACE

    await runner.stop()
    ended = SpaceEnded(
        space_id=SPACE, by=HOST, reason="host_ended", ended_at=start + timedelta(seconds=35)
    )
    await room.append_at(start + timedelta(seconds=31), SPACE, ended)
    await at(41, SPACE, "usr_late", joined(SPACE, "usr_late"))  # after the end: not a stay
    await runner.start()
    await room.settle()
    assert await counts(room) == (0, 3, 0)
    assert await history(room, SPACE) == {
        bucket[0]: 3,
        bucket[1]: 3,
        bucket[2]: 2,
        bucket[3]: 0,
    }
    async with room.sessions() as session:
        assert await session.scalar(select(presence.c.ended).where(presence.c.space_id == SPACE))
    batched = await read_model(room)

    await runner.rebuild()
    await room.settle()
    assert await read_model(room) == batched

    # One event per transaction, each applied twice (a redelivery the runner would skip).
    await runner.stop()
    async with room.sessions.begin() as session:
        for table in ParticipantsProjection.tables:
            await session.execute(delete(table))
    projection = ParticipantsProjection()
    for stored in await room_stream(room):
        for _ in range(2):
            async with room.sessions.begin() as session:
                await projection.apply(session, stored)
    assert await read_model(room) == batched
