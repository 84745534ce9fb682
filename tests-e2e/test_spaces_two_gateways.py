"""Two gateway replicas on one stack: clients connected to either see the same live Space.

The second gateway is started the way an operator would run one more replica: the same
``NATS_URL`` and token public key as the stack's, another port. Commands go through either
gateway; every client must see every change, whichever gateway it is connected to.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import pytest
from accounts_api import Account, register
from live_client import LiveSocket, Message
from parley_up import ParleyUp
from room_installed import requires_room
from second_gateway import SecondGateway
from spaces_api import Space, member_ids

from parley.contracts.live import REACTION_EMOJI

pytestmark = [pytest.mark.e2e, requires_room]

SOCKET_TIMEOUT_S = 15
# Messages that carry the whole state of their part: relayed verbatim, so identical everywhere.
STATE_BEARING = ("stage.changed", "speaker.request", "mic.changed", "pins.changed")


@pytest.fixture
def gateway_2(stack: ParleyUp, tmp_path: Path) -> Iterator[SecondGateway]:
    gateway = SecondGateway(stack, tmp_path)
    try:
        gateway.wait_until_ready()
        yield gateway
    except BaseException:
        gateway.stop()
        raise
    assert gateway.stop() == 0, gateway.log[-4000:]


@pytest.fixture
def api_2(gateway_2: SecondGateway) -> Iterator[httpx.Client]:
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    with httpx.Client(base_url=gateway_2.url, timeout=15, cookies=no_cookies) as client:
        yield client


def test_clients_on_two_gateways_see_the_same_live_changes(
    api: httpx.Client, api_2: httpx.Client, stack: ParleyUp, gateway_2: SecondGateway
) -> None:
    host, alice, bob = (register(api, display_name=name) for name in ("Host", "Alice", "Bob"))
    on_1 = Space.create(api, host, title="Two gateways")
    on_2 = Space(api_2, host, on_1.view(host))  # the same Space through gateway 2
    on_2.command(host, "POST", "/start")
    on_1.command(alice, "POST", "/join")
    on_2.command(bob, "POST", "/join")

    sockets: list[LiveSocket] = []
    try:
        alice_1 = opened(sockets, stack.url, on_1, alice, "alice@gateway1")
        bob_2 = opened(sockets, gateway_2.url, on_2, bob, "bob@gateway2")
        host_2 = opened(sockets, gateway_2.url, on_2, host, "host@gateway2")
        for socket in sockets:
            first = socket.wait_for("space.state", timeout_s=SOCKET_TIMEOUT_S)[1]
            assert first["data"]["id"] == on_1.id
            assert first["data"]["state"] == "live"
        bob_id = bob.user["id"]

        # Commands through both gateways, interleaved.
        on_2.command(bob, "POST", "/speaker-requests")
        on_1.command(host, "POST", f"/speaker-requests/{bob_id}/accept")
        on_2.command(bob, "POST", "/mic", {"muted": False})
        on_1.command(host, "POST", "/pins", {"url": "https://example.org/two"})
        accepted = react(on_1, alice, 6) + react(on_2, bob, 6)

        for socket in (alice_1, bob_2):
            saw_the_story(socket, bob_id, accepted)
        assert story(alice_1, bob_id) == story(bob_2, bob_id)

        # A per-user message crosses gateways too: removed through gateway 2, told on gateway 1.
        on_2.command(host, "POST", f"/participants/{alice.user['id']}/remove", {})
        _, removal = alice_1.wait_for("you.removed", timeout_s=SOCKET_TIMEOUT_S)
        assert removal["data"]["space_id"] == on_1.id
        assert alice_1.wait_closed(SOCKET_TIMEOUT_S) == 4003

        on_1.command(host, "POST", "/end")
        for socket in (bob_2, host_2):
            socket.wait_for("space.ended", timeout_s=SOCKET_TIMEOUT_S)
            assert socket.wait_closed(SOCKET_TIMEOUT_S) == 1000
        assert on_2.settled()["state"] == "ended"
    finally:
        for socket in sockets:
            socket.close()


def opened(
    sockets: list[LiveSocket], base_url: str, space: Space, account: Account, name: str
) -> LiveSocket:
    socket = LiveSocket.open(base_url, space.live_path, name=name, token=account.token)
    sockets.append(socket)
    return socket


def react(space: Space, account: Account, times: int) -> int:
    """Reactions sent as fast as possible; how many were accepted (the rest rate limited)."""
    accepted = 0
    for n in range(times):
        emoji = REACTION_EMOJI[n % 2]
        response = space.send(account, "POST", "/reactions", {"emoji": emoji})
        assert response.status_code in (200, 201, 202, 429), response.text
        accepted += response.status_code != 429
    return accepted


def saw_the_story(socket: LiveSocket, bob_id: str, reactions: int) -> None:
    socket.wait_for(
        "speaker.request",
        lambda data: bob_id in [r["user_id"] for r in data["requests"]],
        timeout_s=SOCKET_TIMEOUT_S,
    )
    socket.wait_for(
        "stage.changed",
        lambda data: bob_id in member_ids(data["speakers"]),
        timeout_s=SOCKET_TIMEOUT_S,
    )
    socket.wait_for(
        "mic.changed",
        lambda data: data["user_id"] == bob_id and data["muted"] is False,
        timeout_s=SOCKET_TIMEOUT_S,
    )
    socket.wait_for(
        "pins.changed",
        lambda data: [p["url"] for p in data["pins"]] == ["https://example.org/two"],
        timeout_s=SOCKET_TIMEOUT_S,
    )
    socket.wait_until(
        lambda messages: reactions_seen(messages) >= reactions, timeout_s=SOCKET_TIMEOUT_S
    )
    assert reactions_seen(socket.snapshot()) == reactions


def reactions_seen(messages: list[Message]) -> int:
    return sum(int(m["data"]["total"]) for m in messages if m["type"] == "reactions")


def story(socket: LiveSocket, bob_id: str) -> list[tuple[str, Any]]:
    """The state-bearing messages from Bob's request to the pin, as this client saw them."""
    messages = socket.snapshot()
    kinds = [m["type"] for m in messages]
    start = kinds.index("speaker.request")
    end = len(kinds) - 1 - kinds[::-1].index("pins.changed")
    seen = [(m["type"], m["data"]) for m in messages[start : end + 1] if m["type"] in STATE_BEARING]
    assert any(
        kind == "stage.changed" and bob_id in member_ids(data["speakers"]) for kind, data in seen
    )
    return seen
