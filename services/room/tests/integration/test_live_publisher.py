"""The live publisher: state-bearing messages on live.space.<id> and live.user.<id> after each
Space event, from the ROOM stream."""

from __future__ import annotations

from typing import Any

from parley.contracts.events.identity import UserUnblocked
from parley.contracts.live import space_subject, user_subject


async def test_stage_mic_pins_removal_and_end_reach_the_live_subjects(room: Any) -> None:
    host, ann, cat = await room.register("host", "ann", "cat")
    live = await room.listen()
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    everyone = space_subject(space_id)
    for user in (ann, cat):
        await room.command("join_space", ref, user)

    await room.command("request_to_speak", ref, ann)
    queue = await live.wait_for("speaker.request", everyone, where=lambda m: m.data["requests"])
    assert [item["handle"] for item in queue.data["requests"]] == ["ann"]

    accepted = await room.command("accept_speaker_request", {**ref, "user_id": ann}, host)
    stage = await live.wait_for(
        "stage.changed", everyone, where=lambda m: m.data["version"] == accepted["version"]
    )
    assert stage.space_id == space_id
    assert [speaker["handle"] for speaker in stage.data["speakers"]] == ["ann"]
    assert stage.data["host"]["user_id"] == host

    unmuted = await room.command("set_my_mic", {**ref, "muted": False}, ann)
    mic = await live.wait_for(
        "mic.changed", everyone, where=lambda m: m.data["version"] == unmuted["version"]
    )
    assert (mic.data["user_id"], mic.data["muted"]) == (ann, False)

    await room.command("pin_post", {**ref, "url": "https://example.org/a"}, ann)
    pins = await live.wait_for("pins.changed", everyone)
    assert [pin["url"] for pin in pins.data["pins"]] == ["https://example.org/a"]

    await room.command("update_space", {**ref, "captions": True}, host)
    updated = await live.wait_for(
        "space.updated", everyone, where=lambda m: m.data["settings"]["captions"]
    )
    assert updated.data["title"] == "Live now"

    await room.command("remove_participant", {**ref, "user_id": cat}, host)
    removed = await live.wait_for("you.removed", user_subject(cat))
    assert removed.data == {"space_id": space_id, "by": host}

    ended = await room.command("end_space", ref, host)
    end = await live.wait_for("space.ended", everyone)
    assert end.data == {
        "reason": "host_ended",
        "version": ended["version"],
        "recording_state": "off",  # recording was off: no replay to wait for
    }


async def test_people_who_blocked_a_speaker_are_warned(room: Any) -> None:
    host, speaker, wary, late = await room.register("host", "speaker", "wary", "late")
    await room.block(wary, speaker)
    await room.block(late, speaker)
    live = await room.listen()
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    for user in (wary, speaker):
        await room.command("join_space", ref, user)

    async def both_counted() -> bool:
        return (await room.query("get_space", ref))["listener_count"] >= 2

    await room.eventually(both_counted)  # the participant list the warning is sent from

    # Someone Wary blocked goes on stage: Wary is warned.
    await room.command("invite_to_stage", {**ref, "user_id": speaker, "role": "speaker"}, host)
    await room.command("accept_invitation", ref, speaker)
    warning = await live.wait_for("blocked.speaker.warning", user_subject(wary))
    assert warning.data == {"user_id": speaker, "handle": "speaker"}
    assert warning.space_id == space_id

    # Late, who blocked them too, joins while they speak: warned on arrival.
    await room.command("join_space", ref, late)
    warning = await live.wait_for("blocked.speaker.warning", user_subject(late))
    assert warning.data["user_id"] == speaker
    assert live.of_type("blocked.speaker.warning", user_subject(host)) == []


async def test_an_arriving_listener_is_warned_by_the_blocks_of_the_moment(room: Any) -> None:
    """Who blocked the people on stage is kept between joins (no query per join) only until
    identity's read model moves: a block or an unblock made since counts at the next join."""
    host, speaker, fan, wary = await room.register("host", "speaker", "fan", "wary")
    live = await room.listen()
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    await room.command("join_space", ref, speaker)
    await room.command("invite_to_stage", {**ref, "user_id": speaker, "role": "speaker"}, host)
    await room.command("accept_invitation", ref, speaker)

    async def arrives(user: str) -> None:
        await room.command("join_space", ref, user)
        await room.settle()  # the live publisher has applied the join

    def warnings(user: str) -> list[Any]:
        return live.of_type("blocked.speaker.warning", user_subject(user))

    await arrives(fan)  # blocks nobody: the stage's blockers are read, and kept
    await arrives(wary)
    assert warnings(fan) == warnings(wary) == []

    await room.command("leave_space", ref, wary)
    await room.block(wary, speaker)
    await arrives(wary)
    warning = await live.wait_for("blocked.speaker.warning", user_subject(wary))
    assert warning.data == {"user_id": speaker, "handle": "speaker"}

    await room.command("leave_space", ref, wary)
    await room.identity_event(wary, UserUnblocked(blocker_id=wary, blocked_id=speaker))
    await arrives(wary)
    assert len(warnings(wary)) == 1
    assert warnings(fan) == []
