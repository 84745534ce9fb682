"""The audience: everyone in a Space who is not on stage. ``list_listeners`` pages through it
(people the caller follows first) and adds up to ``listener_count``, which counts the same
people; ``audience.changed`` announces who came and went, batched per Space and interval, so a
join storm is a handful of messages."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.chassis.errors import DomainError
from parley.contracts.events.room import ListenerJoined, membership_id
from parley.contracts.live import space_subject

from .conftest import Room


async def listing(room: Room, space_id: str, caller: str | None, limit: int = 100) -> Any:
    return await room.query("list_listeners", {"space_id": space_id, "limit": limit}, caller)


async def everyone_listed(room: Room, space_id: str, caller: str | None, limit: int) -> list[Any]:
    """Every page, one after the other."""
    items: list[Any] = []
    cursor = None
    for _ in range(100):
        payload = {"space_id": space_id, "limit": limit, "cursor": cursor}
        page = await room.query("list_listeners", payload, caller)
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")


async def test_the_audience_is_everyone_present_off_stage_and_is_the_count(
    room_on_each_database: Room,
) -> None:
    room = room_on_each_database
    host, ann, bob, cat, dan, eve = await room.register("host", "ann", "bob", "cat", "dan", "eve")
    await room.follow(eve, dan, bob, host)
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}

    await room.command("join_space", ref, host)  # the host is on stage: never in the audience
    for user in (ann, bob, cat, dan):
        await room.command("join_space", ref, user)
    assert (await room.query("get_space", ref, eve))["listener_count"] == 4

    page = await listing(room, space_id, eve)
    assert [(item["handle"], item["followed"]) for item in page["items"]] == [
        ("bob", True),  # people eve follows first, in the order they came
        ("dan", True),
        ("ann", False),
        ("cat", False),
    ]
    assert page["items"][0] == {
        "user_id": bob,
        "handle": "bob",
        "display_name": "Bob",
        "avatar_url": None,
        "followed": True,
    }
    assert (page["count"], page["next_cursor"]) == (4, None)
    anonymous = await listing(room, space_id, None)
    assert [item["handle"] for item in anonymous["items"]] == ["ann", "bob", "cat", "dan"]
    assert not any(item["followed"] for item in anonymous["items"])

    # On stage is out of the audience, and out of the count: the same people everywhere.
    await room.command("request_to_speak", ref, bob)
    await room.command("accept_speaker_request", {**ref, "user_id": bob}, host)
    await room.command("invite_to_stage", {**ref, "user_id": eve, "role": "cohost"}, host)
    await room.command("accept_invitation", ref, eve)  # from outside: joins, on stage
    await room.settle()
    page = await listing(room, space_id, eve)
    assert [item["handle"] for item in page["items"]] == ["dan", "ann", "cat"]
    view = await room.query("get_space", ref, eve)
    assert view["listener_count"] == page["count"] == 3
    (summary,) = (await room.query("list_spaces", {}, eve))["items"]
    assert summary["listener_count"] == 3

    # Back in the audience, where they were: the order is the order people joined the Space.
    await room.command("move_to_audience", {**ref, "user_id": bob}, host)
    await room.command("leave_space", ref, ann)
    await room.settle()
    page = await listing(room, space_id, host)
    assert [item["handle"] for item in page["items"]] == ["bob", "cat", "dan"]
    assert page["count"] == (await room.query("get_space", ref))["listener_count"] == 3


async def test_pages_walk_the_whole_audience_once(room_on_each_database: Room) -> None:
    room = room_on_each_database
    host, fan = await room.register("host", "fan")
    space_id = await room.live_space(host)
    users = [f"usr_l{n:02}" for n in range(23)]
    followed = users[3::4]  # five of them, spread through the order they came in
    await room.follow(fan, *followed)
    await room.join(space_id, *users)
    await room.leave(space_id, users[1])
    await room.settle()
    here = [user for user in users if user != users[1]]

    for limit in (1, 2, 5, 6, 7, 100):
        listed = await everyone_listed(room, space_id, fan, limit)
        ids = [item["user_id"] for item in listed]
        assert ids == followed + [user for user in here if user not in followed], limit
        assert [item["followed"] for item in listed] == [True] * 5 + [False] * 17
        anonymous = await everyone_listed(room, space_id, None, limit)
        assert [item["user_id"] for item in anonymous] == here


async def test_paging_through_an_audience_that_changes(room: Room) -> None:
    host, fan = await room.register("host", "fan")
    space_id = await room.live_space(host)
    await room.join(space_id, *(f"usr_a{n}" for n in range(6)))
    await room.settle()
    first = await listing(room, space_id, fan, limit=3)
    assert [item["user_id"] for item in first["items"]] == ["usr_a0", "usr_a1", "usr_a2"]

    await room.leave(space_id, "usr_a0", "usr_a4")  # one already shown, one not yet
    await room.join(space_id, "usr_b0")  # arrives at the end
    await room.settle()
    payload = {"space_id": space_id, "limit": 3, "cursor": first["next_cursor"]}
    second = await room.query("list_listeners", payload, fan)
    assert [item["user_id"] for item in second["items"]] == ["usr_a3", "usr_a5", "usr_b0"]
    assert second["count"] == 5


async def test_an_unknown_space_is_404_and_a_bad_cursor_422(room: Room) -> None:
    (host,) = await room.register("host")
    space_id = await room.live_space(host)
    with pytest.raises(DomainError) as unknown:
        await listing(room, "sp_nowhere", host)
    assert (unknown.value.status, unknown.value.type) == (404, "space-not-found")
    payload = {"space_id": space_id, "cursor": "not-one-of-ours"}
    with pytest.raises(DomainError) as bad:
        await room.query("list_listeners", payload, host)
    assert (bad.value.status, bad.value.type) == (422, "invalid-cursor")
    with pytest.raises(DomainError) as too_many:
        await listing(room, space_id, host, limit=101)
    assert (too_many.value.status, too_many.value.type) == (422, "invalid-input")

    await room.command("join_space", {"space_id": space_id}, "usr_passerby")
    await room.command("end_space", {"space_id": space_id}, host)
    await room.settle()
    ended = await listing(room, space_id, host)
    assert (ended["items"], ended["count"]) == ([], 0)


async def test_a_join_storm_is_a_handful_of_audience_messages(room: Room) -> None:
    host, ann = await room.register("host", "ann")
    space_id = await room.live_space(host)
    everyone = space_subject(space_id)
    live = await room.listen(everyone)
    storm = [f"usr_s{n:03}" for n in range(300)]
    started = asyncio.get_running_loop().time()

    await asyncio.gather(*(room.join(space_id, user) for user in storm[:150]))
    await room.join(space_id, ann)  # known to room: described by handle and name
    await asyncio.gather(*(room.join(space_id, user) for user in storm[150:]))
    await room.leave(space_id, *storm[:10])
    await room.settle()
    stormy_s = asyncio.get_running_loop().time() - started
    await live.wait_for("audience.changed", where=lambda m: m.data["count"] == 291)

    timed = live.timed("audience.changed", everyone)
    messages = [message.data for message, _ in timed]
    assert 1 <= len(messages) <= int(stormy_s) + 2, (stormy_s, len(messages))
    arrivals = [arrived for _, arrived in timed]
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(arrivals)), arrivals
    # Each joiner announced once (net: the ten who left again may never have been).
    joined_total = sum(message["joined_total"] for message in messages)
    left_total = sum(message["left_total"] for message in messages)
    assert joined_total - left_total == 291
    assert all(len(message["joined"]) <= 20 for message in messages)
    described = {item["user_id"]: item for message in messages for item in message["joined"]}
    if ann in described:
        assert (described[ann]["handle"], described[ann]["display_name"]) == ("ann", "Ann")
    assert messages[-1]["count"] == 291
    assert live.of_type("listeners.count", everyone)[-1].data == {"count": 291}


async def changes_until(
    room: Room, live: Any, seen: int, count: int
) -> tuple[list[str], list[str]]:
    """Who came and who went in the ``audience.changed`` messages after the first ``seen``, once
    one says ``count``."""

    async def arrived() -> list[Any]:
        later = live.of_type("audience.changed")[seen:]
        return later if later and later[-1].data["count"] == count else []

    messages = await room.eventually(arrived)
    joined = [item["user_id"] for message in messages for item in message.data["joined"]]
    return joined, [user_id for message in messages for user_id in message.data["left"]]


async def test_the_stage_and_leaving_are_announced_and_the_end_is_not(room: Room) -> None:
    host, ann, bob = await room.register("host", "ann", "bob")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    live = await room.listen(space_subject(space_id))
    for user in (ann, bob):
        await room.command("join_space", ref, user)
    assert await changes_until(room, live, 0, 2) == ([ann, bob], [])
    first = live.of_type("audience.changed")[0].data["joined"][0]
    assert (first["handle"], first["display_name"]) == ("ann", "Ann")

    seen = len(live.of_type("audience.changed"))
    await room.command("request_to_speak", ref, ann)
    await room.command("accept_speaker_request", {**ref, "user_id": ann}, host)
    assert await changes_until(room, live, seen, 1) == ([], [ann])  # on stage: out

    seen = len(live.of_type("audience.changed"))
    await room.command("move_to_audience", {**ref, "user_id": ann}, host)
    assert await changes_until(room, live, seen, 2) == ([ann], [])

    seen = len(live.of_type("audience.changed"))
    await room.command("leave_space", ref, bob)
    assert await changes_until(room, live, seen, 1) == ([], [bob])

    # A join and the end in one batch of the read model: the end drops what was gathered.
    seen = len(live.of_type("audience.changed"))
    runner = next(r for r in room.running.runners if r.projection.name == "room_participants")
    await runner.stop()
    await room.join(space_id, "usr_latecomer")
    await room.command("end_space", ref, host)
    await runner.start()
    await room.settle()
    await live.wait_for("listeners.count", where=lambda m: m.data == {"count": 0})
    await asyncio.sleep(1.2)  # an interval more: nothing left to say
    assert live.of_type("audience.changed")[seen:] == []


async def test_old_events_count_but_announce_no_one(room: Room) -> None:
    """A catch-up (or a rebuild) counts everyone it replays and tells nobody they came: joins
    older than ``live_max_age_s`` (60 s) are history."""
    (host,) = await room.register("host")
    await room.space("sp_old", host)
    live = await room.listen(space_subject("sp_old"))
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    for user in ("usr_a", "usr_b"):
        joined = ListenerJoined(space_id="sp_old", user_id=user)
        await room.append_at(long_ago, membership_id("sp_old", user), joined)
    await live.wait_for("listeners.count", where=lambda m: m.data == {"count": 2})
    await room.join("sp_old", "usr_c")  # now: announced
    came = await live.wait_for("audience.changed")
    assert ([item["user_id"] for item in came.data["joined"]], came.data["count"]) == (
        ["usr_c"],
        3,
    )
