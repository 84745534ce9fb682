"""A Space from start to end over the public API of the real stack: every command over HTTP,
and every client watching it live over its own WebSocket.

One story, in the order a real Space goes: the host starts it, listeners join, one asks to
speak and is accepted, a co-host comes on stage and mutes the speaker, a listener is removed,
the audience reacts, a post is pinned, the host ends it. Every forbidden attempt along the way
is refused with a problem and leaves the Space exactly as it was (read back as the host).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from accounts_api import Account, assert_problem, register
from live_client import LiveSocket, Message, refused_connection
from parley_up import ParleyUp
from polling import eventually
from room_installed import requires_room
from spaces_api import Space, member, member_ids, notifications, ws_ticket

from parley.contracts.live import REACTION_EMOJI

pytestmark = [pytest.mark.e2e, requires_room]

SOCKET_TIMEOUT_S = 15


@dataclass
class Cast:
    host: Account
    speaker: Account  # joins as a listener, asks to speak, is accepted
    listener: Account  # stays in the audience
    removed: Account  # joins as a listener and is removed
    cohost: Account  # joins as a listener, invited to co-host
    sockets: dict[str, LiveSocket] = field(default_factory=dict)


@pytest.fixture
def cast(api: httpx.Client) -> Iterator[Cast]:
    cast = Cast(*(register(api, display_name=role) for role in ("Host", "Spk", "Lis", "Rem", "Co")))
    yield cast
    for socket in cast.sockets.values():
        socket.close()


def test_a_space_from_start_to_end_live_on_every_socket(
    api: httpx.Client, stack: ParleyUp, cast: Cast
) -> None:
    space = Space.create(api, cast.host, title="Stage e2e", description="all of it")
    created = space.settled()
    assert (created["state"], created["my_role"]) == ("created", "host")
    assert created["host"]["user_id"] == cast.host.user["id"]

    start_the_space(space, cast, stack)
    three_listeners_join_with_a_live_socket_each(space, cast, stack)
    a_listener_asks_to_speak_and_the_host_accepts(space, cast, stack)
    a_cohost_is_invited_and_accepts(space, cast, stack)
    the_cohost_mutes_the_speaker_and_nobody_mutes_the_host(space, cast)
    a_removed_listener_is_disconnected_and_cannot_rejoin(space, cast, stack)
    quick_reactions_arrive_in_batches(space, cast)
    a_pinned_post_appears_live(space, cast)
    the_host_ends_it_and_every_socket_is_told(space, cast)
    notifications_reached_the_inboxes(api, space, cast)
    nothing_is_accepted_after_the_end(space, cast)


def test_a_listener_can_react_as_soon_as_the_join_is_answered(
    api: httpx.Client, cast: Cast
) -> None:
    """Once joinSpace has answered "listener", the client may count on it in its next request.
    The listeners find the Space where a client finds it: in the list of live Spaces."""
    space = Space.create(api, cast.host, title="React at once")
    space.command(cast.host, "POST", "/start")

    def listed_live() -> None:
        response = api.get("/api/v1/spaces", params={"state": "live"})
        assert response.status_code == 200, response.text
        assert space.id in [item["id"] for item in response.json()["items"]]

    eventually(listed_live)
    for account in (cast.speaker, cast.listener, cast.removed, cast.cohost):
        assert space.command(account, "POST", "/join")["role"] == "listener"
        reacted = space.send(account, "POST", "/reactions", {"emoji": REACTION_EMOJI[0]})
        assert reacted.status_code == 200, f"right after joining: {reacted.text}"


# -- the story, step by step ---------------------------------------------------------------


def start_the_space(space: Space, cast: Cast, stack: ParleyUp) -> None:
    space.refused(cast.speaker, "POST", "/start", status=403)  # not the host

    started = space.command(cast.host, "POST", "/start")
    assert started["state"] == "live"
    assert started["started_at"]

    cast.sockets["host"] = host_socket = open_live(stack, space, cast.host, "host")
    state = first_state(host_socket)
    assert (state["state"], state["my_role"]) == ("live", "host")
    # The host also watches their notifications as they happen.
    cast.sockets["host_inbox"] = LiveSocket.open(
        stack.url, "/api/v1/notifications/live", name="host-inbox", token=cast.host.token
    )


def three_listeners_join_with_a_live_socket_each(space: Space, cast: Cast, stack: ParleyUp) -> None:
    for account in (cast.speaker, cast.listener, cast.removed):
        joined = space.command(account, "POST", "/join")
        assert joined["role"] == "listener", joined
        assert joined["space"]["id"] == space.id
    # Three ways of authenticating a WebSocket: bearer header, one-time ticket, login cookie.
    cast.sockets["speaker"] = open_live(stack, space, cast.speaker, "speaker")
    cast.sockets["listener"] = LiveSocket.open(
        stack.url,
        space.live_path,
        name="listener",
        ticket=ws_ticket(space.api, cast.listener),
    )
    cast.sockets["removed"] = LiveSocket.open(
        stack.url, space.live_path, name="removed", cookie=cast.removed.token
    )
    for name in ("speaker", "listener", "removed"):
        state = first_state(cast.sockets[name])
        assert (state["id"], state["state"], state["my_role"]) == (space.id, "live", "listener")

    eventually(lambda: equal(space.view(cast.listener)["listener_count"], 3))
    cast.sockets["host"].wait_for(
        "listeners.count", lambda data: data["count"] == 3, timeout_s=SOCKET_TIMEOUT_S
    )


def a_listener_asks_to_speak_and_the_host_accepts(
    space: Space, cast: Cast, stack: ParleyUp
) -> None:
    speaker_id = cast.speaker.user["id"]
    asked = space.command(cast.speaker, "POST", "/speaker-requests")
    assert asked["my_speaker_request"] == "pending"

    def request_is_queued() -> None:
        view = space.view(cast.host)
        assert [r["user_id"] for r in view["speaker_requests"]] == [speaker_id]

    eventually(request_is_queued)
    space.refused(cast.listener, "POST", f"/speaker-requests/{speaker_id}/accept", status=403)

    accepted = space.command(cast.host, "POST", f"/speaker-requests/{speaker_id}/accept")
    assert member(accepted["speakers"], speaker_id)["muted"] is True
    assert accepted["speaker_requests"] == []

    for name in ("listener", "removed"):
        socket = cast.sockets[name]
        asked_at, _ = socket.wait_for(
            "speaker.request",
            lambda data: speaker_id in [r["user_id"] for r in data["requests"]],
            timeout_s=SOCKET_TIMEOUT_S,
        )
        on_stage_at, on_stage = socket.wait_for(
            "stage.changed",
            lambda data: speaker_id in member_ids(data["speakers"]),
            timeout_s=SOCKET_TIMEOUT_S,
        )
        assert asked_at < on_stage_at, socket.types()
        assert member(on_stage["data"]["speakers"], speaker_id)["muted"] is True
        assert on_stage["data"]["host"]["user_id"] == cast.host.user["id"]

    inbox = cast.sockets["host_inbox"]
    inbox.wait_for(
        "notification",
        lambda data: data.get("kind") == "speaker_request" and data.get("space_id") == space.id,
        timeout_s=SOCKET_TIMEOUT_S,
    )
    assert space.settled(cast.speaker)["my_role"] == "speaker"

    space.refused(cast.speaker, "POST", "/end", status=403)  # only the host ends a Space


def a_cohost_is_invited_and_accepts(space: Space, cast: Cast, stack: ParleyUp) -> None:
    cohost_id = cast.cohost.user["id"]
    assert space.command(cast.cohost, "POST", "/join")["role"] == "listener"
    cast.sockets["cohost"] = open_live(stack, space, cast.cohost, "cohost")
    assert first_state(cast.sockets["cohost"])["my_role"] == "listener"
    space.refused(cast.speaker, "POST", "/invitations", {"user_id": cohost_id}, status=403)

    invited = space.command(
        cast.host, "POST", "/invitations", {"user_id": cohost_id, "role": "cohost"}
    )
    assert {"user_id": cohost_id, "role": "cohost"} in invited["invitations"]
    assert space.settled(cast.cohost)["my_invitation"] == "cohost"

    accepted = space.command(cast.cohost, "POST", "/invitations/accept")
    assert member_ids(accepted["cohosts"]) == [cohost_id]
    assert accepted["my_role"] == "cohost"
    cast.sockets["listener"].wait_for(
        "stage.changed",
        lambda data: member_ids(data["cohosts"]) == [cohost_id],
        timeout_s=SOCKET_TIMEOUT_S,
    )
    assert space.settled(cast.cohost)["my_role"] == "cohost"

    # Only the host adds co-hosts.
    listener_id = cast.listener.user["id"]
    space.refused(
        cast.cohost, "POST", "/invitations", {"user_id": listener_id, "role": "cohost"}, status=403
    )
    assert space.view(cast.listener)["my_invitation"] is None


def the_cohost_mutes_the_speaker_and_nobody_mutes_the_host(space: Space, cast: Cast) -> None:
    speaker_id, host_id = cast.speaker.user["id"], cast.host.user["id"]
    watcher = cast.sockets["listener"]

    unmuted = space.command(cast.speaker, "POST", "/mic", {"muted": False})
    assert member(unmuted["speakers"], speaker_id)["muted"] is False
    unmuted_at, _ = watcher.wait_for(
        "mic.changed",
        lambda data: data["user_id"] == speaker_id and data["muted"] is False,
        timeout_s=SOCKET_TIMEOUT_S,
    )
    space.refused(cast.listener, "POST", f"/speakers/{speaker_id}/mute", status=403)

    muted = space.command(cast.cohost, "POST", f"/speakers/{speaker_id}/mute")
    assert member(muted["speakers"], speaker_id)["muted"] is True
    watcher.wait_until(
        lambda messages: any(
            speaker_muted(message, speaker_id) for message in messages[unmuted_at + 1 :]
        ),
        timeout_s=SOCKET_TIMEOUT_S,
    )
    assert member(space.settled()["speakers"], speaker_id)["muted"] is True

    host_on_air = space.command(cast.host, "POST", "/mic", {"muted": False})
    assert host_on_air["host"]["muted"] is False
    space.refused(cast.cohost, "POST", f"/speakers/{host_id}/mute", status=403)
    space.refused(cast.speaker, "POST", f"/speakers/{host_id}/mute", status=403)
    assert space.view(cast.listener)["host"]["muted"] is False


def a_removed_listener_is_disconnected_and_cannot_rejoin(
    space: Space, cast: Cast, stack: ParleyUp
) -> None:
    removed_id = cast.removed.user["id"]
    before = space.settled()["listener_count"]
    space.refused(cast.listener, "POST", f"/participants/{removed_id}/remove", {}, status=403)
    space.refused(
        cast.cohost, "POST", f"/participants/{cast.host.user['id']}/remove", {}, status=403
    )

    space.command(cast.host, "POST", f"/participants/{removed_id}/remove", {})

    socket = cast.sockets["removed"]
    _, removal = socket.wait_for("you.removed", timeout_s=SOCKET_TIMEOUT_S)
    assert removal["data"]["space_id"] == space.id
    assert socket.wait_closed(SOCKET_TIMEOUT_S) == 4003
    eventually(lambda: equal(space.view(cast.host)["listener_count"], before - 1))
    assert space.view(cast.removed)["my_role"] == "removed"

    space.refused(cast.removed, "POST", "/join", status=403)
    assert space.view(cast.removed)["my_role"] == "removed"
    status, code, messages = refused_connection(
        stack.url, space.live_path, token=cast.removed.token
    )
    assert status == 403 or code == 4003, (status, code)
    assert "space.state" not in [m["type"] for m in messages]


def quick_reactions_arrive_in_batches(space: Space, cast: Cast) -> None:
    watchers = [cast.sockets["host"], cast.sockets["listener"]]
    marks = [len(socket.snapshot()) for socket in watchers]
    reactors = [cast.host, cast.speaker, cast.listener, cast.cohost]
    accepted: Counter[str] = Counter()
    limited: list[httpx.Response] = []
    unexpected: list[str] = []
    lock = threading.Lock()

    def react_quickly(account: Account, offset: int) -> None:
        with httpx.Client(base_url=str(space.api.base_url), timeout=15) as client:
            for n in range(10):
                emoji = REACTION_EMOJI[(offset + n) % 3]
                response = client.post(
                    f"{space.path}/reactions", headers=account.auth, json={"emoji": emoji}
                )
                with lock:
                    if response.status_code in (200, 201, 202):
                        accepted[emoji] += 1
                    elif response.status_code == 429:
                        limited.append(response)
                    else:
                        unexpected.append(f"{response.status_code} {response.text}")

    threads = [
        threading.Thread(target=react_quickly, args=(account, n))
        for n, account in enumerate(reactors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert unexpected == []
    for response in limited:  # rate limited per user: a problem that says when to retry
        assert_problem(response, 429)
        assert response.headers.get("Retry-After")
    total = sum(accepted.values())
    assert total >= len(reactors), (accepted, len(limited))

    for socket, mark in zip(watchers, marks, strict=True):

        def batches(messages: list[Message], mark: int = mark) -> list[dict[str, Any]]:
            return [m["data"] for m in messages[mark:] if m["type"] == "reactions"]

        socket.wait_until(
            lambda messages, batches=batches: sum(b["total"] for b in batches(messages)) >= total,
            timeout_s=SOCKET_TIMEOUT_S,
        )
        seen = batches(socket.snapshot())
        assert sum(b["total"] for b in seen) == total
        summed: Counter[str] = Counter()
        for batch in seen:
            assert sum(batch["counts"].values()) == batch["total"], batch
            assert batch["window_ms"] > 0
            summed.update(batch["counts"])
        assert summed == accepted
        assert len(seen) < total, f"{len(seen)} messages for {total} reactions: not batched"


def a_pinned_post_appears_live(space: Space, cast: Cast) -> None:
    post = {"url": "https://example.org/posts/1", "text": "the thread"}
    space.refused(cast.listener, "POST", "/pins", post, status=403)  # not on stage

    pinned = space.command(cast.speaker, "POST", "/pins", post)
    assert [(p["url"], p["text"]) for p in pinned["pins"]] == [(post["url"], post["text"])]
    for name in ("host", "listener", "cohost"):
        cast.sockets[name].wait_for(
            "pins.changed",
            lambda data: [p["url"] for p in data["pins"]] == [post["url"]],
            timeout_s=SOCKET_TIMEOUT_S,
        )
    assert [p["url"] for p in space.settled(cast.listener)["pins"]] == [post["url"]]


def the_host_ends_it_and_every_socket_is_told(space: Space, cast: Cast) -> None:
    space.refused(cast.cohost, "POST", "/end", status=403)  # co-hosts cannot end it

    ended = space.command(cast.host, "POST", "/end")
    assert ended["state"] == "ended"
    assert ended["ended_at"]

    for name in ("host", "speaker", "listener", "cohost"):
        socket = cast.sockets[name]
        socket.wait_for("space.ended", timeout_s=SOCKET_TIMEOUT_S)
        assert socket.wait_closed(SOCKET_TIMEOUT_S) == 1000, name
    assert space.settled(cast.listener)["state"] == "ended"


def nothing_is_accepted_after_the_end(space: Space, cast: Cast) -> None:
    speaker_id = cast.speaker.user["id"]
    space.refused(cast.host, "POST", "/start", status=409)
    space.refused(cast.host, "POST", "/end", status=409)
    space.refused(cast.listener, "POST", "/join", status=409)
    space.refused(cast.listener, "POST", "/speaker-requests", status=409)
    space.refused(cast.speaker, "POST", "/pins", {"url": "https://example.org/2"}, status=409)
    space.refused(cast.host, "POST", f"/speakers/{speaker_id}/mute", status=409)
    space.refused(cast.host, "PATCH", "", {"title": "after the end"}, status=409)
    space.refused(cast.listener, "POST", "/reactions", {"emoji": REACTION_EMOJI[0]}, status=409)


def notifications_reached_the_inboxes(api: httpx.Client, space: Space, cast: Cast) -> None:
    speaker_id = cast.speaker.user["id"]

    def kinds_for(account: Account) -> list[tuple[str, str | None]]:
        items = notifications(api, account)
        return [(n["kind"], n.get("actor_id")) for n in items if n.get("space_id") == space.id]

    eventually(lambda: contains(kinds_for(cast.host), ("speaker_request", speaker_id)))
    eventually(lambda: contains([k for k, _ in kinds_for(cast.speaker)], "request_accepted"))
    eventually(lambda: contains([k for k, _ in kinds_for(cast.cohost)], "stage_invitation"))
    eventually(lambda: contains([k for k, _ in kinds_for(cast.removed)], "removed"))


# -- helpers -------------------------------------------------------------------------------


def open_live(stack: ParleyUp, space: Space, account: Account, name: str) -> LiveSocket:
    return LiveSocket.open(stack.url, space.live_path, name=name, token=account.token)


def first_state(socket: LiveSocket) -> dict[str, Any]:
    """The snapshot every live channel starts with."""
    index, message = socket.wait_for("space.state", timeout_s=SOCKET_TIMEOUT_S)
    assert index == 0, socket.types()
    assert message["space_id"] == message["data"]["id"]
    return dict(message["data"])


def speaker_muted(message: Message, speaker_id: str) -> bool:
    data = message.get("data") or {}
    if message["type"] == "mic.changed":
        return bool(data["user_id"] == speaker_id and data["muted"] is True)
    if message["type"] == "stage.changed":
        return any(m["user_id"] == speaker_id and m["muted"] for m in data["speakers"])
    return False


def equal(actual: object, expected: object) -> None:
    assert actual == expected


def contains(items: list[Any], item: Any) -> None:
    assert item in items, items
