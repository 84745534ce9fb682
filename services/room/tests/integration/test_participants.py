"""``room_participants``: stays open and close, the count and its peak, who hosts the Spaces
not ended yet, and the throttled ``listeners.count`` live message."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from parley.contracts.events.room import ParticipantRemoved, SpaceEnded
from parley.room.clock import utc
from parley.room.projections.tables import open_spaces, participants, presence

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
