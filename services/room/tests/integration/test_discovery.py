"""``list_spaces``: trending order, topic filter, search, "people I follow", upcoming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.chassis.errors import Unauthorized
from parley.contracts.events.room import (
    ListenerJoined,
    MovedToAudience,
    ParticipantLeft,
    SpaceCreated,
    SpaceEnded,
    SpaceStarted,
    SpaceUpdated,
    membership_id,
)

from .conftest import Room


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


async def scripted_space(
    room: Room,
    space_id: str,
    started: datetime,
    joins: list[tuple[datetime, int]],
    leaves: list[tuple[datetime, int]] = (),  # type: ignore[assignment]
) -> None:
    """A live Space whose listeners arrive (and leave) in groups at scripted times."""
    host = f"usr_host_{space_id}"
    await room.append_at(
        started, space_id, SpaceCreated(space_id=space_id, host_id=host, title=space_id)
    )
    await room.append_at(started, space_id, SpaceStarted(space_id=space_id, host_id=host))
    users = (f"usr_{space_id}_{n}" for n in range(10_000))
    present: list[str] = []
    for at, how_many in joins:
        for _ in range(how_many):
            user = next(users)
            present.append(user)
            await room.append_at(
                at, membership_id(space_id, user), ListenerJoined(space_id=space_id, user_id=user)
            )
    for at, how_many in leaves:
        for _ in range(how_many):
            user = present.pop()
            await room.append_at(
                at, membership_id(space_id, user), ParticipantLeft(space_id=space_id, user_id=user)
            )


async def test_live_spaces_are_ranked_by_trending(room_on_each_database: Room) -> None:
    room = room_on_each_database
    now = datetime.now(UTC)
    room.clock.pinned = now
    ago = lambda minutes: now - timedelta(minutes=minutes)  # noqa: E731
    # big and static: 30 listeners for 10 minutes -> 30 + 2 x 0
    await scripted_space(room, "sp_static", ago(15), [(ago(10), 30)])
    # smaller but growing: 10 listeners 10 minutes ago, 15 more a minute ago -> 25 + 2 x 15
    await scripted_space(room, "sp_growing", ago(12), [(ago(10), 10), (ago(1), 15)])
    # shrinking: 20, then 10 left two minutes ago -> 10 + 2 x 0 (not below its size)
    await scripted_space(room, "sp_shrinking", ago(20), [(ago(10), 20)], [(ago(2), 10)])
    # brand new: started 2 minutes ago with 12 listeners -> 12 + 2 x 12
    await scripted_space(room, "sp_new", ago(2), [(ago(1), 12)])
    await room.settle()

    page = await room.query("list_spaces", {"state": "live"})
    scores = {item["id"]: item["trending_score"] for item in page["items"]}
    assert ids(page) == ["sp_growing", "sp_new", "sp_static", "sp_shrinking"]
    assert scores == {"sp_growing": 55, "sp_new": 36, "sp_static": 30, "sp_shrinking": 10}
    listeners = {item["id"]: item["listener_count"] for item in page["items"]}
    assert listeners == {"sp_growing": 25, "sp_new": 12, "sp_static": 30, "sp_shrinking": 10}

    # Ten minutes later nobody grew: the order is by size.
    room.clock.pinned = now + timedelta(minutes=10)
    later = await room.query("list_spaces", {"state": "live"})
    assert ids(later) == ["sp_static", "sp_growing", "sp_new", "sp_shrinking"]
    top_two = await room.query("list_spaces", {"state": "live", "limit": 2})
    assert ids(top_two) == ["sp_static", "sp_growing"]


async def test_topic_filter_and_search(room_on_each_database: Room) -> None:
    room = room_on_each_database
    await room.register("ann")
    await room.space("sp_py", "usr_ann", title="Weekly chat", topics=("Python", "AI"))
    await room.space("sp_music", "usr_ben", title="Late night", topics=("Music",))
    await room.space("sp_tips", "usr_cy", title="PYTHON tips & 100% tricks")
    await room.space("sp_private", "usr_dee", title="Python but not live", live=False)
    await room.space("sp_over", "usr_eve", title="Python, over", topics=("python",))
    await room.append("sp_over", SpaceEnded(space_id="sp_over", by=None, reason="moderator"))
    await room.append("sp_music", SpaceUpdated(space_id="sp_music", by="usr_ben", topics=["Jazz"]))
    await room.settle()

    async def live(**query: Any) -> list[str]:
        return sorted(ids(await room.query("list_spaces", {"state": "live", **query})))

    assert await live() == ["sp_music", "sp_py", "sp_tips"]
    assert await live(topic="python") == ["sp_py"]  # exact topic, any case
    assert await live(topic=" PYTHON ") == ["sp_py"]
    assert await live(topic="pyth") == []
    assert await live(topic="music") == []  # topics were changed
    assert await live(topic="Jazz") == ["sp_music"]
    assert await live(q="pyth") == ["sp_py", "sp_tips"]  # title or topic, any case
    assert await live(q="AZ") == ["sp_music"]
    assert await live(q="100%") == ["sp_tips"]  # LIKE wildcards are literal
    assert await live(q="%") == ["sp_tips"]
    assert await live(q="_") == []
    assert await live(q="tips & 1") == ["sp_tips"]
    assert await live(q="chat python") == []  # never across title and topic
    assert await live(q="python", topic="ai") == ["sp_py"]

    page = await room.query("list_spaces", {"state": "live", "topic": "ai"})
    [summary] = page["items"]
    assert summary["host"]["handle"] == "ann"
    assert summary["host"]["display_name"] == "Ann"
    assert summary["topics"] == ["Python", "AI"]
    assert summary["state"] == "live"
    assert summary["share_url"].endswith("/spaces/sp_py")
    assert summary["started_at"] is not None


async def test_upcoming_scheduled_spaces_soonest_first(room_on_each_database: Room) -> None:
    room = room_on_each_database
    soon = datetime.now(UTC) + timedelta(hours=1)
    for space_id, hours in (("sp_later", 5), ("sp_soon", 0), ("sp_mid", 2)):
        await room.space(
            space_id,
            "usr_host",
            title=space_id,
            live=False,
            scheduled_start=(soon + timedelta(hours=hours)).isoformat(),
        )
    await room.space("sp_live", "usr_host")
    await room.settle()

    page = await room.query("list_spaces", {"state": "scheduled"})
    assert ids(page) == ["sp_soon", "sp_mid", "sp_later"]
    assert page["items"][0]["state"] == "scheduled"
    assert datetime.fromisoformat(page["items"][0]["scheduled_start"]) == soon
    assert ids(await room.query("list_spaces", {"state": "live"})) == ["sp_live"]


async def test_live_spaces_of_people_i_follow(room_on_each_database: Room) -> None:
    room = room_on_each_database
    await room.space("sp_ben_hosts", "usr_ben")
    await room.space("sp_cy_speaks", "usr_dee")
    await room.promote("sp_cy_speaks", "usr_cy")
    await room.space("sp_eve_cohosts", "usr_fay")
    await room.promote("sp_eve_cohosts", "usr_eve", cohost=True)
    await room.space("sp_strangers", "usr_gus")
    await room.join("sp_strangers", "usr_ben")  # a followed listener does not count
    await room.space("sp_ben_ended", "usr_ben")
    await room.append(
        "sp_ben_ended", SpaceEnded(space_id="sp_ben_ended", by="usr_ben", reason="host_ended")
    )
    await room.follow("usr_ann", "usr_ben", "usr_cy", "usr_eve")
    await room.follow("usr_zed", "usr_gus")
    await room.settle()

    async def following(actor: str) -> list[str]:
        page = await room.query("list_spaces", {"following": True}, actor=actor)
        return sorted(ids(page))

    assert await following("usr_ann") == ["sp_ben_hosts", "sp_cy_speaks", "sp_eve_cohosts"]
    assert await following("usr_zed") == ["sp_strangers"]
    assert await following("usr_nobody") == []
    with pytest.raises(Unauthorized) as anonymous:
        await room.query("list_spaces", {"following": True})
    assert anonymous.value.type == "unauthenticated"

    await room.append(
        "sp_cy_speaks", MovedToAudience(space_id="sp_cy_speaks", user_id="usr_cy", by="usr_dee")
    )
    await room.settle()
    assert await following("usr_ann") == ["sp_ben_hosts", "sp_eve_cohosts"]

    await room.block("usr_ben", "usr_ann")  # ann could not join ben's Space any more
    await room.block("usr_cy", "usr_ann")  # a blocking speaker does not hide the Space
    assert await following("usr_ann") == ["sp_eve_cohosts"]
    everything = await room.query("list_spaces", {}, actor="usr_ann")
    assert "sp_ben_hosts" not in ids(everything)
    assert "sp_ben_hosts" in ids(await room.query("list_spaces", {}))

    summaries = (await room.query("list_spaces", {}))["items"]
    speakers = {item["id"]: item["speaker_count"] for item in summaries}
    assert speakers["sp_eve_cohosts"] == 1
    assert speakers["sp_cy_speaks"] == 0
