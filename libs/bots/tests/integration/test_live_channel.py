"""The live channel reader against a small WebSocket server standing in for the gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve

from parley.bots.live import LiveChannel, live_url

seen: list[tuple[str, str]] = []


async def gateway(connection: ServerConnection) -> None:
    request = connection.request
    assert request is not None
    seen.append((request.path, request.headers.get("Authorization", "")))
    for message_type, data in [
        ("space.state", {"state": "live"}),
        ("mic.changed", {"user_id": "u1", "muted": True}),
        ("mic.changed", {"user_id": "u2", "muted": False}),
    ]:
        await connection.send(json.dumps({"type": message_type, "space_id": "s1", "data": data}))
    await asyncio.sleep(1.0)  # longer than the timeout test waits, however loaded the machine
    await connection.close(1000, "space ended")


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    seen.clear()
    async with serve(gateway, "127.0.0.1", 0) as running:
        yield running


def url_of(server: Server) -> str:
    host, port = next(iter(server.sockets)).getsockname()[:2]
    return f"http://{host}:{port}"


def test_the_url_is_the_spaces_live_path() -> None:
    assert live_url("https://p.example/", "s 1") == "wss://p.example/api/v1/spaces/s%201/live"


async def test_messages_are_kept_in_order_and_awaited_by_type(server: Server) -> None:
    channel = await LiveChannel.open(url_of(server), "s1", "tok")
    try:
        state = await channel.wait_for("space.state")
        unmuted = await channel.wait_for(
            "mic.changed", lambda message: message["data"]["muted"] is False
        )

        assert state["data"] == {"state": "live"}
        assert unmuted["data"]["user_id"] == "u2"
        assert [m["type"] for m in channel.messages] == ["space.state", *["mic.changed"] * 2]
        assert seen == [("/api/v1/spaces/s1/live", "Bearer tok")]
        with pytest.raises(ConnectionError):
            await channel.wait_for("space.ended", timeout_s=10)
        assert channel.close_code == 1000
    finally:
        await channel.close()


async def test_waiting_for_what_never_comes_times_out(server: Server) -> None:
    channel = await LiveChannel.open(url_of(server), "s1", None)
    try:
        with pytest.raises(TimeoutError):
            await channel.wait_for("speaking", timeout_s=0.05)
        assert seen == [("/api/v1/spaces/s1/live", "")]
    finally:
        await channel.close()
