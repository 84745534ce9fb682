"""``room_notifications``: rows for each kind, the live push after commit, the inbox queries,
and no duplicates when an event is applied again (a re-sent event, a rebuild)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from parley.chassis.db import chassis_tables
from parley.chassis.errors import InvalidInput, NotFound, Unauthorized
from parley.chassis.event_store import EventMetadata, envelope_for, message_headers
from parley.contracts import streams
from parley.contracts.events.room import (
    CohostAdded,
    MovedToAudience,
    ParticipantRemoved,
    SpaceCreated,
    SpaceStarted,
    SpeakerPromoted,
    SpeakerRequestDeclined,
    SpeakerRequested,
    StageInvitationSent,
)
from parley.contracts.subjects import event_subject
from parley.room.projections.tables import notifications

from .conftest import Room

SPACE = "sp_notify"
HOST = "usr_host"


async def inbox_rows(room: Room) -> list[tuple[Any, ...]]:
    async with room.sessions() as session:
        rows = await session.execute(
            select(
                notifications.c.id,
                notifications.c.recipient_id,
                notifications.c.kind,
                notifications.c.actor_id,
                notifications.c.seq,
            ).order_by(notifications.c.id)
        )
        return [tuple(row) for row in rows.all()]


async def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_each_event_notifies_its_recipients_live_and_in_the_inbox(
    room_on_each_database: Room,
) -> None:
    room = room_on_each_database
    await room.register("host", "co", "ann", "ben", "cy", "fan")
    await room.follow("usr_fan", HOST)
    await room.follow("usr_ann", HOST)
    live = await room.listen("live.user.*")

    await room.append(SPACE, SpaceCreated(space_id=SPACE, host_id=HOST, title="Jazz talk"))
    await room.append(SPACE, SpaceStarted(space_id=SPACE, host_id=HOST))
    await room.append(SPACE, CohostAdded(space_id=SPACE, user_id="usr_co", invited_by=HOST))
    await room.append(SPACE, SpeakerRequested(space_id=SPACE, user_id="usr_ann"))
    await room.append(
        SPACE, SpeakerPromoted(space_id=SPACE, user_id="usr_ann", by="usr_co", via="request")
    )
    await room.append(
        SPACE, StageInvitationSent(space_id=SPACE, user_id="usr_ben", role="cohost", by=HOST)
    )
    await room.append(
        SPACE, SpeakerPromoted(space_id=SPACE, user_id="usr_ben", by=None, via="invitation")
    )
    await room.append(SPACE, MovedToAudience(space_id=SPACE, user_id="usr_co", by=HOST))
    await room.append(SPACE, SpeakerRequested(space_id=SPACE, user_id="usr_cy"))
    await room.append(SPACE, SpeakerRequestDeclined(space_id=SPACE, user_id="usr_cy", by=HOST))
    await room.append(SPACE, ParticipantRemoved(space_id=SPACE, user_id="usr_cy", by=HOST))
    await room.settle()

    expected = [
        ("usr_fan", "followed_went_live", HOST),
        ("usr_ann", "followed_went_live", HOST),
        ("usr_host", "speaker_request", "usr_ann"),
        ("usr_co", "speaker_request", "usr_ann"),  # a co-host then
        ("usr_ann", "request_accepted", "usr_co"),
        ("usr_ben", "stage_invitation", HOST),
        ("usr_host", "speaker_request", "usr_cy"),  # usr_co is no co-host any more
        ("usr_cy", "request_declined", HOST),
        ("usr_cy", "removed", HOST),
    ]
    rows = await inbox_rows(room)
    assert sorted((r, k, a) for _, r, k, a, _ in rows) == sorted(expected)
    assert len({row[0] for row in rows}) == len(expected)

    await wait_for(lambda: len(live.of_type("notification")) == len(expected))
    # (live.user.* also carries the live publisher's own messages: you.removed for usr_cy)
    pushed = [(subject, m) for subject, m, _ in live.received if m.type == "notification"]
    assert sorted(
        (subject.removeprefix("live.user."), m.data["kind"], m.data["actor_id"])
        for subject, m in pushed
    ) == sorted(expected)
    invitation = next(m for _, m in pushed if m.data["kind"] == "stage_invitation")
    assert invitation.space_id == SPACE
    assert invitation.data["text"] == "@host invited you to co-host in “Jazz talk”"
    assert invitation.data["data"] == {"title": "Jazz talk", "role": "cohost"}
    assert invitation.data["actor_handle"] == "host"
    assert {m.data["id"] for _, m in pushed} == {row[0] for row in rows}

    page = await room.query("list_notifications", {}, actor=HOST)
    assert [item["text"] for item in page["items"]] == [
        "@cy asked to speak in “Jazz talk”",
        "@ann asked to speak in “Jazz talk”",
    ]
    assert page["unread"] == 2
    assert page["next_cursor"] is None
    cy = await room.query("list_notifications", {}, actor="usr_cy")
    assert [item["kind"] for item in cy["items"]] == ["removed", "request_declined"]
    assert cy["items"][0]["text"] == "You were removed from “Jazz talk”"

    # Applied again: the same event re-sent under another message id, then a rebuild.
    await resend_last_event(room, SPACE)
    await room.settle()
    runner = next(r for r in room.running.runners if r.projection.name == "room_notifications")
    await runner.rebuild()
    await room.settle()
    assert await inbox_rows(room) == rows
    dead_letters = chassis_tables()["dead_letters"]
    async with room.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(dead_letters)) == 0
    await asyncio.sleep(0.3)
    assert len(live.of_type("notification")) == len(expected)  # nothing pushed twice


async def resend_last_event(room: Room, aggregate_id: str) -> None:
    """The writer's retry after the duplicate window: the same event id stored twice."""
    js = room.nc.jetstream()
    last = await js.get_last_msg(streams.ROOM.name, f"room.{aggregate_id}.participant_removed")
    envelope = envelope_for(
        ParticipantRemoved(space_id=SPACE, user_id="usr_cy", by=HOST),
        aggregate_id,
        EventMetadata(correlation_id="cor_test"),
    )
    stored_id = json.loads(last.data)["event_id"]
    envelope = envelope.model_copy(update={"event_id": stored_id})
    headers = message_headers(envelope) | {"Nats-Msg-Id": f"{stored_id}-retry"}
    await js.publish(
        event_subject("room", aggregate_id, envelope.event_type),
        envelope.model_dump_json().encode(),
        stream=streams.ROOM.name,
        headers=headers,
    )


async def test_a_host_going_live_notifies_thousands_of_followers(
    room_on_each_database: Room,
) -> None:
    room = room_on_each_database
    followers = [f"usr_f{n:05}" for n in range(3000)]
    await room.followed_by(HOST, followers)
    live = await room.listen("live.user.*")
    await room.space(SPACE, HOST, title="Big news")
    await room.settle()

    async with room.sessions() as session:
        count = await session.scalar(
            select(func.count()).where(notifications.c.kind == "followed_went_live")
        )
    assert count == 3000
    await wait_for(lambda: len(live.received) == 3000, timeout=20)
    assert {subject for subject, _, _ in live.received} == {f"live.user.{f}" for f in followers}


async def test_inbox_pages_unread_count_and_read_mark(room: Room) -> None:
    await room.space(SPACE, HOST, title="Pages")
    for n in range(5):
        await room.append(SPACE, SpeakerRequested(space_id=SPACE, user_id=f"usr_{n}"))
    await room.settle()

    first = await room.query("list_notifications", {"limit": 2}, actor=HOST)
    second = await room.query(
        "list_notifications", {"limit": 2, "cursor": first["next_cursor"]}, actor=HOST
    )
    third = await room.query(
        "list_notifications", {"limit": 2, "cursor": second["next_cursor"]}, actor=HOST
    )
    actors = [item["actor_id"] for page in (first, second, third) for item in page["items"]]
    assert actors == ["usr_4", "usr_3", "usr_2", "usr_1", "usr_0"]
    assert third["next_cursor"] is None
    assert first["unread"] == 5
    assert not any(item["read"] for item in first["items"])

    # Read up to the third newest: the two newer ones stay unread.
    marked = await room.command(
        "mark_notifications_read", {"up_to_id": second["items"][0]["id"]}, actor=HOST
    )
    assert marked == {"unread": 2}
    page = await room.query("list_notifications", {}, actor=HOST)
    assert [item["read"] for item in page["items"]] == [False, False, True, True, True]
    assert await room.command("mark_notifications_read", {}, actor=HOST) == {"unread": 0}
    # A mark never moves back.
    await room.command("mark_notifications_read", {"up_to_id": third["items"][0]["id"]}, actor=HOST)
    assert (await room.query("list_notifications", {}, actor=HOST))["unread"] == 0

    with pytest.raises(InvalidInput) as bad_cursor:
        await room.query("list_notifications", {"cursor": "not-a-cursor"}, actor=HOST)
    assert bad_cursor.value.type == "invalid-cursor"
    with pytest.raises(NotFound):
        await room.command(
            "mark_notifications_read", {"up_to_id": page["items"][0]["id"]}, actor="usr_0"
        )
    with pytest.raises(Unauthorized) as anonymous:
        await room.query("list_notifications", {})
    assert anonymous.value.type == "unauthenticated"
    assert (await room.query("list_notifications", {}, actor="usr_none"))["items"] == []
