"""The live channels over real WebSockets: authentication, the snapshot first, relaying,
closing, and several sockets (and gateways) sharing subscriptions."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")  # the shared gateway's loop

SPACE = "/api/v1/spaces/sp_1/live"
INBOX = "/api/v1/notifications/live"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ticket_for(gateway, token: str) -> str:
    response = await gateway.client.post("/api/v1/ws-tickets", headers=bearer(token))
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"])


# -- authentication ----------------------------------------------------------------------------


async def test_a_bearer_socket_starts_with_the_space_as_the_caller_sees_it(
    gateway, fake_room, keys, open_live
):
    live = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))

    first = await live.next()

    assert (first["type"], first["space_id"]) == ("space.state", "sp_1")
    assert (first["data"]["id"], first["data"]["my_role"]) == ("sp_1", "listener")
    [call] = fake_room.requests()
    assert (call.kind, call.name, call.actor) == ("qry", "get_space", "usr_ada")
    assert call.payload == {"space_id": "sp_1"}


async def test_the_login_cookie_authenticates_a_socket(gateway, fake_room, keys, open_live):
    live = await open_live(gateway, SPACE, cookie=keys.token("usr_bob", "bob"))

    assert (await live.next())["data"]["my_role"] == "listener"
    assert fake_room.requests("get_space")[0].actor == "usr_bob"


async def test_a_ticket_authenticates_a_socket_once(gateway, fake_room, keys, open_live):
    response = await gateway.client.post(
        "/api/v1/ws-tickets", headers=bearer(keys.token("usr_ada", "ada"))
    )
    assert response.status_code == 201, response.text
    assert response.json()["expires_in"] == 30
    ticket = response.json()["ticket"]

    live = await open_live(gateway, SPACE, ticket=ticket)
    again = await open_live(gateway, SPACE, ticket=ticket)

    assert (await live.next())["type"] == "space.state"
    assert fake_room.requests("get_space")[0].actor == "usr_ada"
    assert await again.closed() == (4401, "ticket-used", [])


async def test_forged_tickets_are_refused(gateway, fake_room, keys, open_live):
    ticket = await ticket_for(gateway, keys.token("usr_ada", "ada"))
    payload, signature = ticket.split(".")
    claims = json.loads(__import__("base64").urlsafe_b64decode(payload + "=="))
    other = (
        __import__("base64")
        .urlsafe_b64encode(json.dumps({**claims, "sub": "usr_eve"}).encode())
        .rstrip(b"=")
        .decode()
    )

    for forged in (f"{other}.{signature}", f"{payload}.{signature[:-2]}xx", "nonsense", ""):
        live = await open_live(gateway, SPACE, ticket=forged)
        assert await live.closed() == (4401, "invalid-ticket", []), forged
    assert fake_room.requests() == []


async def test_an_expired_ticket_is_refused(start_gateway, fake_room, keys, open_live):
    gateway = await start_gateway(ws_ticket_ttl_s=0.2)
    ticket = await ticket_for(gateway, keys.token())
    await asyncio.sleep(0.3)

    live = await open_live(gateway, SPACE, ticket=ticket)

    assert await live.closed() == (4401, "ticket-expired", [])


async def test_a_ticket_works_on_every_gateway_of_the_deployment(
    start_gateway, fake_room, keys, open_live
):
    one, two = await start_gateway(), await start_gateway()

    live = await open_live(two, SPACE, ticket=await ticket_for(one, keys.token("usr_ada", "ada")))

    assert (await live.next())["data"]["my_role"] == "listener"


async def test_tickets_are_for_signed_in_callers(api, assert_problem):
    assert_problem(await api.post("/api/v1/ws-tickets"), 401, "unauthenticated")


async def test_bad_credentials_are_refused_not_taken_as_anonymous(
    gateway, fake_room, keys, open_live
):
    bad_token = await open_live(gateway, SPACE, token="not-a-jwt")
    bad_cookie = await open_live(gateway, SPACE, cookie="not-a-jwt")

    assert await bad_token.closed() == (4401, "invalid-token", [])
    assert (await bad_cookie.closed())[:2] == (4401, "invalid-token")
    assert fake_room.requests() == []


async def test_signed_out_viewers_may_watch_without_a_user_subject(gateway, fake_room, open_live):
    live = await open_live(gateway, SPACE)

    first = await live.next()

    assert first["data"]["my_role"] == "none"
    assert fake_room.requests("get_space")[0].actor is None
    assert gateway.parts.hub.subjects() == {"live.space.sp_1": 1}


async def test_signed_out_viewers_can_be_turned_away(start_gateway, fake_room, open_live):
    gateway = await start_gateway(ws_allow_anonymous=False)

    live = await open_live(gateway, SPACE)

    assert await live.closed() == (4401, "unauthenticated", [])


# -- relaying ----------------------------------------------------------------------------------


async def test_space_messages_are_relayed_verbatim_and_in_order(
    gateway, fake_room, keys, open_live, publish
):
    live = await open_live(gateway, SPACE, token=keys.token())
    await live.next()

    sent = [
        await publish(
            "live.space.sp_1", "mic.changed", {"user_id": "u1", "muted": True, "version": 6}
        ),
        await publish("live.space.sp_1", "reactions", {"counts": {"🔥": 3}, "total": 3}),
        await publish("live.space.sp_1", "listeners.count", {"count": 12}, space_id="sp_1"),
    ]

    assert [await live.next_text() for _ in sent] == sent


async def test_the_callers_own_messages_are_relayed_for_this_space_only(
    gateway, fake_room, keys, open_live, publish
):
    live = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))
    await live.next()
    warning = {"user_id": "usr_x", "handle": "x"}

    await publish("live.user.usr_ada", "blocked.speaker.warning", warning, space_id="sp_1")
    await publish("live.user.usr_ada", "blocked.speaker.warning", warning, space_id="sp_2")
    await publish("live.user.usr_bob", "blocked.speaker.warning", warning, space_id="sp_1")
    await publish("live.user.usr_ada", "notification", {"id": "n1"}, space_id="sp_2")
    await publish("live.user.usr_ada", "you.removed", {"space_id": "sp_2", "by": "usr_h"})
    await publish("live.space.sp_1", "pins.changed", {"pins": [], "version": 7})

    received = [await live.next() for _ in range(3)]
    assert [(m["type"], m["space_id"]) for m in received] == [
        ("blocked.speaker.warning", "sp_1"),
        ("notification", "sp_2"),
        ("pins.changed", None),
    ]


async def test_space_ended_is_relayed_then_the_socket_closes_normally(
    gateway, fake_room, keys, open_live, publish, eventually
):
    live = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))
    await live.next()

    ended = await publish("live.space.sp_1", "space.ended", {"reason": "host_ended", "version": 9})
    await publish("live.space.sp_1", "listeners.count", {"count": 0})

    assert await live.closed() == (1000, "space-ended", [json.loads(ended)])

    async def released() -> bool:
        return gateway.parts.hub.subjects() == {} and (
            gateway.nats_subscriptions("live.space.sp_1") == 0
        )

    await eventually(released)


async def test_removal_is_relayed_then_the_socket_closes_with_4003(
    gateway, fake_room, keys, open_live, publish
):
    live = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))
    await live.next()

    removed = await publish(
        "live.user.usr_ada", "you.removed", {"space_id": "sp_1", "by": "usr_host"}, space_id="sp_1"
    )

    assert await live.closed() == (4003, "removed", [json.loads(removed)])


async def test_a_removed_user_coming_back_gets_no_state(gateway, fake_room, keys, open_live):
    fake_room.roles["usr_ada"] = "removed"

    live = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))

    assert await live.closed() == (4003, "removed", [])


@pytest.mark.parametrize(
    ("status", "slug", "code"),
    [(404, "space-not-found", 4404), (403, "blocked-by-host", 4403), (503, "busy", 1013)],
)
async def test_room_refusing_the_snapshot_closes_the_socket(
    gateway, fake_room, keys, open_live, eventually, status, slug, code
):
    fake_room.fail("get_space", status, slug)

    live = await open_live(gateway, SPACE, token=keys.token())

    assert await live.closed() == (code, slug, [])

    async def released() -> bool:
        return gateway.parts.hub.subjects() == {}

    await eventually(released)


async def test_an_ended_space_sends_its_state_then_closes(gateway, fake_room, keys, open_live):
    fake_room.views["sp_1"] = {"state": "ended"}

    live = await open_live(gateway, SPACE, token=keys.token())

    code, reason, messages = await live.closed()
    assert (code, reason) == (1000, "space-ended")
    assert [(m["type"], m["data"]["state"]) for m in messages] == [("space.state", "ended")]


async def test_messages_published_during_the_snapshot_follow_it_unless_it_includes_them(
    gateway, fake_room, keys, open_live, publish, eventually
):
    release = fake_room.hold("get_space")
    live = await open_live(gateway, SPACE, token=keys.token())

    async def asked() -> bool:
        return bool(fake_room.requests("get_space"))

    await eventually(asked)  # subscribed by now: the snapshot is asked for only afterwards
    await publish("live.space.sp_1", "stage.changed", {"speakers": [], "version": 4})
    count = await publish("live.space.sp_1", "listeners.count", {"count": 3})
    pins = await publish("live.space.sp_1", "pins.changed", {"pins": [], "version": 6})
    release.set()

    assert (await live.next())["data"]["version"] == 5
    assert [await live.next_text(), await live.next_text()] == [count, pins]


async def test_pings_are_answered(gateway, fake_room, keys, open_live):
    live = await open_live(gateway, SPACE, token=keys.token())
    await live.next()

    await live.send({"type": "ping"})

    pong = await live.next()
    assert (pong["type"], pong["space_id"]) == ("pong", "sp_1")


# -- notifications -----------------------------------------------------------------------------


async def test_the_notifications_channel_starts_with_the_inbox_then_relays_notifications(
    gateway, fake_room, keys, open_live, publish
):
    live = await open_live(gateway, INBOX, token=keys.token("usr_ada", "ada"))

    first = await live.next()
    await publish("live.user.usr_ada", "you.removed", {"space_id": "sp_1"}, space_id="sp_1")
    await publish("live.user.usr_bob", "notification", {"id": "n0"})
    notification = await publish(
        "live.user.usr_ada",
        "notification",
        {"id": "n1", "kind": "speaker_request"},
        space_id="sp_1",
    )

    assert (first["type"], first["data"]["unread"]) == ("notifications.state", 2)
    [call] = fake_room.requests()
    assert (call.name, call.actor, call.payload) == (
        "list_notifications",
        "usr_ada",
        {"limit": 20, "cursor": None},
    )
    assert await live.next_text() == notification


async def test_the_notifications_channel_is_for_signed_in_callers(gateway, fake_room, open_live):
    live = await open_live(gateway, INBOX)

    assert await live.closed() == (4401, "unauthenticated", [])
    assert fake_room.requests() == []


# -- fan-out -------------------------------------------------------------------------------------


async def test_every_gateway_relays_a_space_with_one_subscription_each(
    gateway, start_gateway, fake_room, keys, open_live, publish, eventually
):
    other = await start_gateway()
    here = [
        await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada")),
        await open_live(gateway, SPACE, token=keys.token("usr_bob", "bob")),
        await open_live(gateway, SPACE),
    ]
    there = [
        await open_live(other, SPACE, token=keys.token("usr_cy", "cy")),
        await open_live(other, SPACE, token=keys.token("usr_ada", "ada")),
    ]
    for live in here + there:
        assert (await live.next())["type"] == "space.state"

    assert gateway.nats_subscriptions("live.space.sp_1") == 1
    assert other.nats_subscriptions("live.space.sp_1") == 1
    assert gateway.parts.hub.subjects()["live.space.sp_1"] == 3
    assert other.parts.hub.subjects()["live.space.sp_1"] == 2
    assert other.parts.hub.subjects()["live.user.usr_ada"] == 1

    sent = await publish("live.space.sp_1", "stage.changed", {"speakers": [], "version": 8})
    assert [await live.next_text() for live in here + there] == [sent] * 5

    for live in here:
        await live.close()

    async def released_here() -> bool:
        return gateway.nats_subscriptions("live.space.sp_1") == 0

    await eventually(released_here)
    assert other.nats_subscriptions("live.space.sp_1") == 1
    still = await publish("live.space.sp_1", "listeners.count", {"count": 2})
    assert [await live.next_text() for live in there] == [still] * 2


async def test_sockets_of_one_user_in_two_spaces_share_the_user_subject(
    gateway, fake_room, keys, open_live, publish
):
    token = keys.token("usr_ada", "ada")
    first = await open_live(gateway, SPACE, token=token)
    second = await open_live(gateway, "/api/v1/spaces/sp_2/live", token=token)
    await first.next()
    await second.next()

    assert gateway.nats_subscriptions("live.user.usr_ada") == 1
    assert gateway.parts.hub.subjects()["live.user.usr_ada"] == 2
    removed = await publish(
        "live.user.usr_ada", "you.removed", {"space_id": "sp_2"}, space_id="sp_2"
    )
    assert await second.closed() == (4003, "removed", [json.loads(removed)])
    await publish("live.space.sp_1", "listeners.count", {"count": 1})
    assert (await first.next())["type"] == "listeners.count"


# -- host presence ------------------------------------------------------------------------------


def presence(fake_room) -> list[tuple[str | None, dict]]:
    return [(call.actor, call.payload) for call in fake_room.requests("host_presence")]


async def test_the_hosts_sockets_tell_room_whether_the_host_is_connected(
    gateway, fake_room, keys, open_live, eventually
):
    host = keys.token("usr_host", "host")
    connected = ("usr_host", {"space_id": "sp_1", "connected": True})
    gone = ("usr_host", {"space_id": "sp_1", "connected": False})
    first_tab = await open_live(gateway, SPACE, token=host)
    assert (await first_tab.next())["data"]["my_role"] == "host"
    await eventually(lambda: presence(fake_room) == [connected])

    second_tab = await open_live(gateway, SPACE, token=host)
    listener = await open_live(gateway, SPACE, token=keys.token("usr_ada", "ada"))
    await second_tab.next()
    await listener.next()
    await eventually(lambda: presence(fake_room) == [connected, connected])

    await first_tab.close()
    await eventually(lambda: gateway.parts.hub.subjects()["live.space.sp_1"] == 2)
    assert presence(fake_room) == [connected, connected]  # the host is still here

    await second_tab.close()
    await eventually(lambda: presence(fake_room) == [connected, connected, gone])
    assert gateway.parts.presence.hosted() == {}


async def test_host_presence_is_repeated_while_the_host_stays(
    start_gateway, fake_room, keys, open_live, eventually
):
    gateway = await start_gateway(host_presence_refresh_s=0.1)
    live = await open_live(gateway, SPACE, token=keys.token("usr_host", "host"))
    await live.next()

    await eventually(lambda: len(presence(fake_room)) >= 3)
    await live.close()
    await eventually(lambda: presence(fake_room)[-1][1]["connected"] is False)
    settled = len(presence(fake_room))
    await asyncio.sleep(0.3)

    assert len(presence(fake_room)) == settled  # no refresh after the host left
    assert all(payload["connected"] for _, payload in presence(fake_room)[:-1])


# -- slow consumers -----------------------------------------------------------------------------


BIG = "x" * 48_000


async def reluctant_reader(open_live, gateway, token):
    """A client that reads only when asked: no compression (so BIG stays big), one frame of
    read-ahead, and a small receive buffer, so a few hundred BIG messages fill every buffer
    between the gateway and it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", gateway.port))
    return await open_live(gateway, SPACE, token=token, max_queue=1, compression=None, sock=sock)


async def test_a_client_too_far_behind_is_closed_with_1013(
    start_gateway, fake_room, keys, open_live, publish
):
    gateway = await start_gateway(ws_send_queue=8, ws_send_timeout_s=5)
    live = await reluctant_reader(open_live, gateway, keys.token())
    await live.next()

    for version in range(300):  # state-bearing: none may be dropped, so the queue overflows
        await gateway_publish(publish, "stage.changed", {"pad": BIG, "version": 10 + version})
    await asyncio.sleep(0.5)  # the client still is not reading
    code, reason, messages = await live.closed(timeout=20)

    assert (code, reason) == (1013, "slow-consumer")
    versions = [message["data"]["version"] for message in messages]
    assert 0 < len(versions) < 300
    assert versions == list(range(10, 10 + len(versions)))  # what it got, in order and complete


async def test_a_slow_client_loses_reaction_batches_not_state(
    start_gateway, fake_room, keys, open_live, publish
):
    gateway = await start_gateway(ws_send_queue=8, ws_send_timeout_s=5)
    live = await reluctant_reader(open_live, gateway, keys.token())
    await live.next()

    for batch in range(300):
        await gateway_publish(publish, "reactions", {"pad": BIG, "total": batch})
    last = await publish("live.space.sp_1", "mic.changed", {"user_id": "u", "muted": False})
    await asyncio.sleep(0.5)

    received = []
    while (message := await live.next(timeout=10))["type"] == "reactions":
        received.append(message["data"]["total"])
    assert json.dumps(message, ensure_ascii=False) == json.dumps(
        json.loads(last), ensure_ascii=False
    )
    assert 0 < len(received) < 300  # the oldest batches went while the client was not reading
    assert received == sorted(received)
    await live.send({"type": "ping"})
    assert (await live.next())["type"] == "pong"  # still open


async def gateway_publish(publish, type: str, data: dict) -> None:
    await publish("live.space.sp_1", type, data)
