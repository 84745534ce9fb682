"""Room's side of a scheduled Space (ADR 20), on a real nats-server and SQLite: scheduling's
events (published straight onto SCHEDULING, scheduling itself not running) keep room's copy of
the Space, its reminders and its notifications; the host starts the copy through room."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from parley.chassis.errors import DomainError, NotFound
from parley.contracts import streams
from parley.contracts.events.scheduling import (
    ReminderCleared,
    ReminderDue,
    ReminderSet,
    ScheduledSpaceCanceled,
    ScheduledSpaceUpdated,
    ScheduledStartDue,
    SpaceScheduled,
    reminder_id,
)
from parley.room.projections.tables import notifications

from .conftest import Room, RoomStarter, client_broker

HOST = "usr_host"
COPY_POLICIES = (
    "policy_room_copy_scheduled_spaces",
    "policy_room_copy_scheduled_space_edits",
    "policy_room_copy_scheduled_space_cancels",
    "policy_room_note_scheduled_starts",
    "policy_room_note_host_reminders",
)


def in_hours(hours: float) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


async def refused(call: Any) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        await call
    return refusal.value


async def schedule(room: Room, space_id: str, start: datetime, title: str = "Tea") -> None:
    await room.scheduling_event(
        HOST,
        SpaceScheduled(
            space_id=space_id,
            host_id=HOST,
            title=title,
            description="A chat",
            topics=["jazz"],
            scheduled_start=start,
        ),
    )
    await copied(room, space_id, lambda view: view["state"] == "scheduled")


async def copied(room: Room, space_id: str, check: Any, actor: str | None = None) -> Any:
    """Room's view of the Space once ``check`` holds for it (the copy follows scheduling)."""

    async def view() -> Any:
        try:
            found = await room.query("get_space", {"space_id": space_id}, actor)
        except NotFound:
            return None
        return found if check(found) else None

    return await room.eventually(view)


async def policies_done(room: Room) -> None:
    """Every copy policy has handled (and acknowledged) every scheduling event so far."""
    js = room.nc.jetstream()

    async def drained() -> bool:
        for durable in COPY_POLICIES:
            info = await js.consumer_info(streams.SCHEDULING.name, durable)
            if info.num_pending or info.num_ack_pending:
                return False
        return True

    await room.eventually(drained, timeout=20)


async def upcoming(room: Room, actor: str | None = None) -> list[dict[str, Any]]:
    page = await room.query("list_spaces", {"state": "scheduled"}, actor)
    return list(page["items"])


async def test_the_copy_is_scheduled_follows_edits_and_a_cancel_and_cannot_start_then(
    room: Room,
) -> None:
    await room.register("host")
    start = in_hours(2)
    await schedule(room, "sp_sched", start)
    view = await room.query("get_space", {"space_id": "sp_sched"}, HOST)
    assert (view["title"], view["description"], view["topics"], view["my_role"]) == (
        "Tea",
        "A chat",
        ["jazz"],
        "host",
    )
    assert datetime.fromisoformat(view["scheduled_start"]) == start
    await room.settle()
    assert [item["id"] for item in await upcoming(room)] == ["sp_sched"]

    later = in_hours(5)
    await room.scheduling_event(
        HOST,
        ScheduledSpaceUpdated(
            space_id="sp_sched", by=HOST, title="Tea later", scheduled_start=later
        ),
    )
    view = await copied(room, "sp_sched", lambda v: v["title"] == "Tea later")
    assert datetime.fromisoformat(view["scheduled_start"]) == later
    assert view["description"] == "A chat"  # absent fields unchanged
    await room.settle()
    (listed,) = await upcoming(room)
    assert (listed["title"], datetime.fromisoformat(listed["scheduled_start"])) == (
        "Tea later",
        later,
    )

    await room.scheduling_event(
        HOST, ScheduledSpaceCanceled(space_id="sp_sched", host_id=HOST, by=HOST, reason="host")
    )
    await copied(room, "sp_sched", lambda v: v["state"] == "canceled")
    refusal = await refused(room.command("start_space", {"space_id": "sp_sched"}, HOST))
    assert (refusal.status, refusal.type) == (409, "space-canceled")
    await room.settle()
    assert await upcoming(room) == []
    assert await room.events_of("sp_sched") == ["SpaceCreated", "SpaceUpdated", "SpaceCanceled"]


async def test_the_host_starts_a_scheduled_copy_under_its_id_and_nobody_else_may(
    room: Room,
) -> None:
    await room.register("host", "ann")
    await schedule(room, "sp_start", in_hours(1))
    refusal = await refused(room.command("start_space", {"space_id": "sp_start"}, "usr_ann"))
    assert (refusal.status, refusal.type) == (403, "host-only")
    assert await room.events_of("sp_start") == ["SpaceCreated"]

    started = await room.command("start_space", {"space_id": "sp_start"}, HOST)
    assert (started["id"], started["state"]) == ("sp_start", "live")
    joined = await room.command("join_space", {"space_id": "sp_start"}, "usr_ann")
    assert joined["role"] == "listener"

    # A cancel scheduling accepted before it heard of the start does not end it (ADR 20).
    await room.scheduling_event(
        HOST, ScheduledSpaceCanceled(space_id="sp_start", host_id=HOST, by=HOST, reason="host")
    )
    await policies_done(room)
    assert (await room.query("get_space", {"space_id": "sp_start"}))["state"] == "live"
    assert await room.events_of("sp_start") == ["SpaceCreated", "SpaceStarted"]


async def test_redelivered_scheduling_events_change_nothing(start_room: RoomStarter) -> None:
    async with start_room() as room:
        await room.register("host", "ann")
        await schedule(room, "sp_again", in_hours(3))
        await room.scheduling_event(
            HOST, ScheduledSpaceUpdated(space_id="sp_again", by=HOST, title="Second")
        )
        await room.scheduling_event(
            HOST, ScheduledSpaceUpdated(space_id="sp_again", by=HOST, title="Third")
        )
        await room.scheduling_event(
            reminder_id("sp_again", "usr_ann"), ReminderSet(space_id="sp_again", user_id="usr_ann")
        )
        start = in_hours(3)
        await room.scheduling_event(
            HOST,
            ReminderDue(space_id="sp_again", host_id=HOST, scheduled_start=start, before_s=3600),
        )
        await room.scheduling_event(
            HOST, ScheduledStartDue(space_id="sp_again", host_id=HOST, scheduled_start=start)
        )
        await schedule(room, "sp_gone", in_hours(4))
        await room.scheduling_event(
            HOST, ScheduledSpaceCanceled(space_id="sp_gone", host_id=HOST, reason="auto")
        )
        await policies_done(room)
        await room.settle()
        history = {space: await room.events_of(space) for space in ("sp_again", "sp_gone")}
        told = await inbox(room)
        assert told == [
            ("usr_ann", "reminder"),
            ("usr_host", "reminder"),
            ("usr_host", "scheduled_starts_soon"),
        ]
        # (one consumer per event type: edits and timers interleave in any order)
        assert {space: sorted(names) for space, names in history.items()} == {
            "sp_again": sorted(
                [
                    "SpaceCreated",
                    "SpaceUpdated",
                    "SpaceUpdated",
                    "HostReminderCame",
                    "ScheduledStartCame",
                ]
            ),
            "sp_gone": ["SpaceCanceled", "SpaceCreated"],
        }

    # Every copy policy's consumer is gone (a new deployment, a reset): every scheduling event
    # comes again, from the stream's first.
    broker = await client_broker(room.running.infra.settings.nats_url, "consumer-reset")
    try:
        for durable in COPY_POLICIES:
            await broker.connection.jetstream().delete_consumer(streams.SCHEDULING.name, durable)
    finally:
        await broker.stop()
    async with start_room() as room:
        await policies_done(room)
        await room.settle()
        assert {space: await room.events_of(space) for space in history} == history
        assert await inbox(room) == told
        view = await room.query("get_space", {"space_id": "sp_again"})
        assert (view["title"], view["state"]) == ("Third", "scheduled")


async def inbox(room: Room) -> list[tuple[str, str]]:
    async with room.sessions() as session:
        rows = await session.execute(
            select(notifications.c.recipient_id, notifications.c.kind).order_by(
                notifications.c.recipient_id, notifications.c.kind
            )
        )
        return [(str(recipient), str(kind)) for recipient, kind in rows.all()]


async def test_the_reminder_count_and_the_callers_own_reminder(room: Room) -> None:
    await room.register("host", "ann", "ben", "cy")
    await schedule(room, "sp_later", in_hours(6))
    await schedule(room, "sp_soon", in_hours(1))
    for user in ("usr_ann", "usr_ben"):
        await room.scheduling_event(
            reminder_id("sp_later", user), ReminderSet(space_id="sp_later", user_id=user)
        )
    await room.scheduling_event(
        reminder_id("sp_later", "usr_ben"), ReminderCleared(space_id="sp_later", user_id="usr_ben")
    )
    await room.scheduling_event(
        reminder_id("sp_soon", "usr_cy"), ReminderSet(space_id="sp_soon", user_id="usr_cy")
    )
    await room.settle()

    seen = {}
    for viewer in ("usr_ann", "usr_ben", None):
        view = await room.query("get_space", {"space_id": "sp_later"}, viewer)
        seen[viewer] = (view["reminder_count"], view["reminded"])
    assert seen == {"usr_ann": (1, True), "usr_ben": (1, False), None: (1, False)}

    listed = await upcoming(room, "usr_cy")  # soonest first
    assert [(s["id"], s["reminder_count"], s["reminded"]) for s in listed] == [
        ("sp_soon", 1, True),
        ("sp_later", 1, False),
    ]
    anonymous = await upcoming(room)
    assert [(s["reminder_count"], s["reminded"]) for s in anonymous] == [(1, False), (1, False)]


async def test_each_scheduled_space_notification_reaches_the_right_people_once(
    room: Room,
) -> None:
    await room.register("host", "ann", "ben", "cy", "fan")
    await room.follow("usr_fan", HOST)
    await room.follow("usr_ann", HOST)  # a follower who is also reminded: told once, as reminded
    live = await room.listen("live.user.*")
    start = in_hours(0.5)
    await schedule(room, "sp_told", start, title="Jazz hour")
    for user in ("usr_ann", "usr_ben"):
        await room.scheduling_event(
            reminder_id("sp_told", user), ReminderSet(space_id="sp_told", user_id=user)
        )

    await room.scheduling_event(
        HOST,
        ReminderDue(space_id="sp_told", host_id=HOST, scheduled_start=start, before_s=3600),
    )
    await room.scheduling_event(
        HOST, ScheduledStartDue(space_id="sp_told", host_id=HOST, scheduled_start=start)
    )
    await room.eventually(
        lambda: _true(len(live.of_type("notification")) == 4)  # host twice, ann, ben
    )
    await room.command("start_space", {"space_id": "sp_told"}, HOST)

    await schedule(room, "sp_dropped", in_hours(2), title="Blues night")
    await room.scheduling_event(
        reminder_id("sp_dropped", "usr_cy"), ReminderSet(space_id="sp_dropped", user_id="usr_cy")
    )
    await room.settle()
    await room.scheduling_event(
        HOST, ScheduledSpaceCanceled(space_id="sp_dropped", host_id=HOST, reason="auto")
    )
    # and a cancel by the host tells nobody
    await schedule(room, "sp_host_canceled", in_hours(2), title="Soul")
    await room.scheduling_event(
        reminder_id("sp_host_canceled", "usr_cy"),
        ReminderSet(space_id="sp_host_canceled", user_id="usr_cy"),
    )
    await room.settle()
    await room.scheduling_event(
        HOST,
        ScheduledSpaceCanceled(space_id="sp_host_canceled", host_id=HOST, by=HOST, reason="host"),
    )
    await copied(room, "sp_host_canceled", lambda v: v["state"] == "canceled")
    await policies_done(room)
    await room.settle()

    expected = {
        ("usr_host", "scheduled_starts_soon", "“Jazz hour” starts in 1 hour"),
        ("usr_host", "reminder", "“Jazz hour” is starting"),
        ("usr_ann", "reminder", "“Jazz hour” is starting"),
        ("usr_ben", "reminder", "“Jazz hour” is starting"),
        ("usr_ann", "scheduled_live", "“Jazz hour” is live now"),
        ("usr_ben", "scheduled_live", "“Jazz hour” is live now"),
        ("usr_fan", "followed_went_live", "@host is live: “Jazz hour”"),
        ("usr_cy", "scheduled_canceled", "“Blues night” was canceled: it did not start in time"),
    }
    await room.eventually(lambda: _true(len(live.of_type("notification")) == len(expected)))
    await asyncio.sleep(0.3)
    pushed = [
        (subject.removeprefix("live.user."), m.data["kind"], m.data["text"])
        for subject, m, _ in live.received
        if m.type == "notification"
    ]
    assert Counter(pushed) == Counter(expected)  # each once, to no one else
    inboxes = set()
    for user in ("usr_host", "usr_ann", "usr_ben", "usr_cy", "usr_fan"):
        page = await room.query("list_notifications", {}, actor=user)
        inboxes |= {(user, item["kind"], item["text"]) for item in page["items"]}
        assert len(page["items"]) == len({item["id"] for item in page["items"]})
    assert inboxes == expected


async def _true(value: bool) -> bool:
    return value
