"""Discovery, reactions, listener counts and notifications fed by the commands themselves:
identity's events feed the follows, room's own commands make the Space, and its read models
answer."""

from __future__ import annotations

from .conftest import Room


async def test_a_space_from_the_commands_is_discovered_joined_and_reacted_to(
    room: Room,
) -> None:
    await room.register("host", "ann", "fan")
    await room.follow("usr_fan", "usr_host")
    fan_inbox = await room.listen("live.user.usr_fan")

    created = await room.command(
        "create_space", {"title": "Live jazz", "topics": ["Music"]}, actor="usr_host"
    )
    space_id = created["id"]
    space_live = await room.listen(f"live.space.{space_id}")
    await room.command("start_space", {"space_id": space_id}, actor="usr_host")
    await room.command("join_space", {"space_id": space_id}, actor="usr_ann")
    await room.settle()

    page = await room.query("list_spaces", {"topic": "music"})
    [summary] = page["items"]
    assert summary["id"] == space_id
    assert summary["host"]["handle"] == "host"
    assert summary["share_url"] == f"https://parley.test/spaces/{space_id}"
    view = await room.query("get_space", {"space_id": space_id})
    assert summary["listener_count"] == view["listener_count"] >= 1
    following = await room.query("list_spaces", {"following": True}, actor="usr_fan")
    assert [item["id"] for item in following["items"]] == [space_id]

    reacted = await room.command("react", {"space_id": space_id, "emoji": "👏"}, actor="usr_ann")
    assert reacted["accepted"]
    inbox = await room.query("list_notifications", {}, actor="usr_fan")
    assert [item["kind"] for item in inbox["items"]] == ["followed_went_live"]
    assert inbox["items"][0]["text"] == "@host is live: “Live jazz”"

    await space_live.wait_for("reactions")
    await space_live.wait_for("listeners.count")
    assert space_live.of_type("reactions")[0].data["counts"] == {"👏": 1}
    assert space_live.of_type("listeners.count")[-1].data == {"count": view["listener_count"]}
    await fan_inbox.wait_for("notification")
    assert [m.data["kind"] for m in fan_inbox.of_type("notification")] == ["followed_went_live"]
