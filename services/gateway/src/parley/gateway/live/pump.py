"""Moving one socket's messages: the outbox to the client, and the client's pings back.

Each live socket runs two tasks until either ends: a sender draining its outbox (each send
bounded in time, so a client that stopped reading is closed rather than waited for) and a
receiver noticing the client leave and answering ``{"type": "ping"}`` with ``pong``.
Protocol-level pings (uvicorn's, every ``PARLEY_WS_PING_INTERVAL_S``) find dead peers.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from parley.gateway.live.messages import is_ping, pong
from parley.gateway.live.outbox import SLOW_CONSUMER, Closing, Outbox
from parley.gateway.tasks import cancel_and_wait

# Sending on a socket fails in several ways once the client is gone.
GONE = (WebSocketDisconnect, OSError, RuntimeError)


async def pump(
    socket: WebSocket[Any, Any, Any], outbox: Outbox, *, send_timeout_s: float, space_id: str | None
) -> Closing | None:
    """Run until the channel ends: how the gateway should close it, ``None`` if the client
    left."""
    sender = asyncio.create_task(_send_all(socket, outbox, send_timeout_s))
    receiver = asyncio.create_task(_receive_all(socket, outbox, space_id))
    try:
        done, _ = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        await cancel_and_wait(sender, receiver)
    return sender.result() if sender in done else None


async def close(socket: WebSocket[Any, Any, Any], closing: Closing, timeout_s: float) -> None:
    """Close with a code and reason, unless the client is already gone or not reading."""
    with contextlib.suppress(*GONE, TimeoutError):
        await asyncio.wait_for(socket.close(closing.code, closing.reason), timeout_s)


async def _send_all(
    socket: WebSocket[Any, Any, Any], outbox: Outbox, timeout_s: float
) -> Closing | None:
    while (event := await outbox.get()) is not None:
        try:
            await asyncio.wait_for(socket.send_text(event.text), timeout_s)
        except TimeoutError:
            return SLOW_CONSUMER
        except GONE:
            return None
    return outbox.closing


async def _receive_all(
    socket: WebSocket[Any, Any, Any], outbox: Outbox, space_id: str | None
) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            if is_ping(await socket.receive_data("text")):
                outbox.put(pong(space_id))
