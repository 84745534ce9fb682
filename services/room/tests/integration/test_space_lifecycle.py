"""A Space from creation to its end over the bus: real nats-server, real database, in-process
service. Forbidden attempts change nothing; after the end every command is a 409."""

from __future__ import annotations

from typing import Any

import pytest

from parley.chassis.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized


async def refused(call: Any) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        await call
    return refusal.value


def handles(members: list[dict[str, Any]]) -> list[str]:
    return [member["handle"] for member in members]


async def test_a_space_from_start_to_end(room: Any) -> None:
    host, ann, bob, cat = await room.register("host", "ann", "bob", "cat")
    created = await room.command(
        "create_space",
        {"title": " Async Python ", "topics": ["Python", "NATS"], "recording": True},
        host,
    )
    space_id = created["id"]
    ref = {"space_id": space_id}
    assert (created["state"], created["title"], created["topics"]) == (
        "created",
        "Async Python",
        ["python", "nats"],
    )
    assert (created["host"]["handle"], created["my_role"]) == ("host", "host")
    assert created["share_url"] == f"https://parley.test/spaces/{space_id}"
    refusal = await refused(room.command("join_space", ref, ann))
    assert (refusal.status, refusal.type) == (409, "space-not-live")

    started = await room.command("start_space", ref, host)
    assert (started["state"], started["recording_state"]) == ("live", "recording")
    assert started["started_at"] is not None

    for user in (ann, bob, cat):
        joined = await room.command("join_space", ref, user)
        assert joined["role"] == "listener"
        assert joined["space"]["my_role"] == "listener"
    assert (await room.command("join_space", ref, host))["role"] == "host"

    # Ann asks to speak; the host sees the queue, Ann sees her request pending.
    asked = await room.command("request_to_speak", ref, ann)
    assert (asked["my_speaker_request"], asked["speaker_requests"]) == ("pending", [])
    seen_by_host = await room.query("get_space", ref, host)
    assert handles(seen_by_host["speaker_requests"]) == ["ann"]
    accepted = await room.command("accept_speaker_request", {**ref, "user_id": ann}, host)
    assert [(s["handle"], s["muted"]) for s in accepted["speakers"]] == [("ann", True)]
    assert accepted["speaker_requests"] == []

    # Bob is invited to co-host and accepts.
    invited = await room.command("invite_to_stage", {**ref, "user_id": bob, "role": "cohost"}, host)
    assert invited["invitations"] == [{"user_id": bob, "role": "cohost"}]
    assert (await room.query("get_space", ref, bob))["my_invitation"] == "cohost"
    as_cohost = await room.command("accept_invitation", ref, bob)
    assert (as_cohost["my_role"], handles(as_cohost["cohosts"])) == ("cohost", ["bob"])

    # Ann unmutes; the co-host mutes her.
    assert (await room.command("set_my_mic", {**ref, "muted": False}, ann))["speakers"][0][
        "muted"
    ] is False
    muted = await room.command("mute_speaker", {**ref, "user_id": ann}, bob)
    assert muted["speakers"][0]["muted"] is True
    role = await room.query("my_role", ref, ann)
    assert (role["role"], role["state"], role["muted"]) == ("speaker", "live", True)

    # Forbidden attempts change nothing.
    before = await room.query("get_space", ref, host)
    for name, payload, actor in [
        ("mute_all", ref, cat),
        ("end_space", ref, bob),
        ("remove_participant", {**ref, "user_id": host}, bob),
        ("set_my_mic", {**ref, "muted": False}, cat),
        ("invite_to_stage", {**ref, "user_id": cat, "role": "cohost"}, bob),
        ("update_space", {**ref, "description": "changed"}, host),
    ]:
        refusal = await refused(room.command(name, payload, actor))
        assert refusal.status in (403, 409), name
    assert (await room.query("get_space", ref, host))["version"] == before["version"]

    # Cat is removed and cannot come back.
    removed = await room.command("remove_participant", {**ref, "user_id": cat}, host)
    assert removed["version"] > before["version"]
    assert (await room.query("my_role", ref, cat))["role"] == "removed"
    refusal = await refused(room.command("join_space", ref, cat))
    assert (type(refusal), refusal.type) == (Forbidden, "removed-from-space")
    assert await room.events_of(f"{space_id}~{cat}") == [
        "ListenerJoined",
        "ParticipantLeft",
    ]

    pinned = await room.command(
        "pin_post", {**ref, "url": "https://example.org/notes", "text": "notes"}, ann
    )
    assert [(pin["url"], pin["pinned_by"]) for pin in pinned["pins"]] == [
        ("https://example.org/notes", ann)
    ]

    ended = await room.command("end_space", ref, host)
    assert (ended["state"], ended["recording_state"]) == ("ended", "processing")
    assert ended["ended_at"] is not None

    pin_id = pinned["pins"][0]["pin_id"]
    for name, payload, actor in [
        ("update_space", {**ref, "title": "again"}, host),
        ("start_space", ref, host),
        ("end_space", ref, host),
        ("join_space", ref, ann),
        ("leave_space", ref, ann),
        ("request_to_speak", ref, ann),
        ("withdraw_speaker_request", ref, ann),
        ("accept_speaker_request", {**ref, "user_id": ann}, host),
        ("decline_speaker_request", {**ref, "user_id": ann}, host),
        ("invite_to_stage", {**ref, "user_id": ann, "role": "speaker"}, host),
        ("accept_invitation", ref, ann),
        ("decline_invitation", ref, ann),
        ("set_my_mic", {**ref, "muted": False}, ann),
        ("mute_speaker", {**ref, "user_id": ann}, host),
        ("mute_all", ref, host),
        ("move_to_audience", {**ref, "user_id": ann}, host),
        ("remove_participant", {**ref, "user_id": ann}, host),
        ("pin_post", {**ref, "url": "https://example.org/x"}, ann),
        ("unpin_post", {**ref, "pin_id": pin_id}, host),
        ("host_presence", {**ref, "connected": False}, host),
    ]:
        refusal = await refused(room.command(name, payload, actor))
        assert (type(refusal), refusal.type) == (Conflict, "space-ended"), name
    assert (await room.query("get_space", ref))["state"] == "ended"
    assert (await room.events_of(space_id)).count("SpaceEnded") == 1


async def test_bad_requests_are_refused_plainly(room: Any) -> None:
    (host,) = await room.register("host")
    refusal = await refused(room.command("create_space", {"title": "x" * 71}, host))
    assert (refusal.status, refusal.type) == (422, "invalid-title")
    refusal = await refused(
        room.command("create_space", {"title": "ok", "topics": list("abcd")}, host)
    )
    assert (refusal.status, refusal.type) == (422, "invalid-topics")
    refusal = await refused(room.command("create_space", {"title": "no actor"}))
    assert (type(refusal), refusal.type) == (Unauthorized, "unauthenticated")
    refusal = await refused(room.query("get_space", {"space_id": "sp_nope"}))
    assert (type(refusal), refusal.type) == (NotFound, "space-not-found")
    refusal = await refused(room.query("get_space", {"space_id": "not.a.token"}))
    assert (type(refusal), refusal.type) == (NotFound, "space-not-found")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    refusal = await refused(room.command("mute_speaker", {**ref, "user_id": "a.b"}, host))
    assert (type(refusal), refusal.type) == (NotFound, "user-not-found")
    refusal = await refused(room.command("pin_post", {**ref, "url": "nope"}, host))
    assert (refusal.status, refusal.type) == (422, "invalid-url")
    refusal = await refused(room.command("update_space", {**ref, "bogus": 1}, host))
    assert refusal.status == 422


async def test_the_blocked_cannot_join_and_only_followed_may_ask(room: Any) -> None:
    host, fan, stranger, pest = await room.register("host", "fan", "stranger", "pest")
    await room.block(host, pest)
    await room.follow(host, fan)
    space_id = await room.live_space(host, speak_policy="followed")
    ref = {"space_id": space_id}
    refusal = await refused(room.command("join_space", ref, pest))
    assert (type(refusal), refusal.type) == (Forbidden, "blocked-by-host")
    assert (await room.query("get_space", ref, pest))["my_role"] == "none"
    for user in (fan, stranger):
        await room.command("join_space", ref, user)
    assert (await room.command("request_to_speak", ref, fan))["my_speaker_request"] == "pending"
    refusal = await refused(room.command("request_to_speak", ref, stranger))
    assert (type(refusal), refusal.type) == (Forbidden, "speaking-not-allowed")


async def test_an_invitee_from_outside_joins_on_accepting_and_leaving_steps_down(room: Any) -> None:
    host, guest = await room.register("host", "guest")
    space_id = await room.live_space(host)
    ref = {"space_id": space_id}
    await room.command("invite_to_stage", {**ref, "user_id": guest, "role": "speaker"}, host)
    accepted = await room.command("accept_invitation", ref, guest)
    assert (accepted["my_role"], handles(accepted["speakers"])) == ("speaker", ["guest"])
    assert await room.events_of(f"{space_id}~{guest}") == ["ListenerJoined"]
    left = await room.command("leave_space", ref, guest)
    assert (left["my_role"], left["speakers"]) == ("none", [])
    assert (await room.events_of(space_id))[-1] == "MovedToAudience"
    assert await room.events_of(f"{space_id}~{guest}") == ["ListenerJoined", "ParticipantLeft"]
    await room.command("leave_space", ref, guest)  # leaving twice is leaving once
    assert await room.events_of(f"{space_id}~{guest}") == ["ListenerJoined", "ParticipantLeft"]
