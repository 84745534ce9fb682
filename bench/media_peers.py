"""One WebRTC peer of the media benchmark, negotiated over NATS request/reply the way the
gateway does it (``cmd.media.negotiate`` for Parley's relay, ``bench.stock.negotiate`` for the
stock one).

Parley's relay answers on the route's wire format (:mod:`parley.contracts.routes`): the
``MediaAnswer`` itself, or a problem with the ``Parley-Problem`` header. The stock relay
(``media_stock_relay.py``) still wraps its answer as ``{"ok": true, "data": ...}``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamTrack

from parley.bots.media import (
    add_audio,
    make_offer,
    new_peer_connection,
    take_answer,
    wait_connected,
)
from parley.chassis.bus import ACTOR_HEADER
from parley.contracts.routes import PROBLEM_HEADER

TIMEOUT_S = 30


async def connect_peer(
    nc: Any,
    subject: str,
    space: str,
    user: str,
    *,
    source: MediaStreamTrack | None = None,
    role: str | None = None,
    prepare: Callable[[RTCPeerConnection], None] | None = None,
) -> RTCPeerConnection:
    """Send ``source`` (or only receive), negotiate as ``user``, wait until connected.
    ``role`` is for the stock relay, which knows no rooms; ``prepare`` sees the connection
    before the offer (to hook its receiver)."""
    pc = new_peer_connection()
    add_audio(pc, source)
    if prepare is not None:
        prepare(pc)
    body: dict[str, Any] = {"space_id": space, "sdp": await make_offer(pc)}
    if role is not None:
        body["role"] = role
    reply = await nc.request(
        subject, json.dumps(body).encode(), timeout=TIMEOUT_S, headers={ACTOR_HEADER: user}
    )
    answer = json.loads(reply.data)
    if PROBLEM_HEADER in (reply.headers or {}) or answer.get("ok") is False:
        raise RuntimeError(f"{user}: {answer}")
    await take_answer(pc, answer["data"]["sdp"] if "data" in answer else answer["sdp"])
    await wait_connected(pc, TIMEOUT_S)
    return pc
