"""Live messages as the gateway handles them: read once per process, relayed verbatim.

A message published on ``live.space.*`` / ``live.user.*`` is a ``LiveMessage``
``{type, space_id, at, data}`` (``parley.contracts.live``). The gateway reads only what it
routes on (type, Space, version) and sends the published text unchanged, so what a client gets
is exactly what the service said.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from parley.contracts.live import LiveMessage

# Superseded by the next one of their kind (counts, batches, partial captions), so a slow
# client loses nothing it needs when they are dropped first.
DROPPABLE_TYPES = frozenset(
    {"reactions", "listeners.count", "speaking", "captions.partial", "pong"}
)


@dataclass(frozen=True)
class LiveEvent:
    text: str  # exactly as published
    type: str
    space_id: str | None  # the message's Space, from the envelope or, failing that, its data
    version: int | None  # data.version of state-bearing messages

    @property
    def droppable(self) -> bool:
        return self.type in DROPPABLE_TYPES


def read_event(payload: bytes) -> LiveEvent | None:
    """The event in a published payload; ``None`` if it is not a live message at all."""
    try:
        text = payload.decode()
        message = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    data = message.get("data")
    data = data if isinstance(data, dict) else {}
    space_id = message.get("space_id") or data.get("space_id")
    version = data.get("version")
    return LiveEvent(
        text=text,
        type=message["type"],
        space_id=space_id if isinstance(space_id, str) else None,
        version=version if isinstance(version, int) and not isinstance(version, bool) else None,
    )


def snapshot(type: str, space_id: str | None, data: BaseModel) -> LiveEvent:
    """A message the gateway writes itself: the state a channel starts with."""
    message = LiveMessage(type=type, space_id=space_id, data=data.model_dump(mode="json"))
    version = getattr(data, "version", None)
    return LiveEvent(
        text=message.model_dump_json(),
        type=type,
        space_id=space_id,
        version=version if isinstance(version, int) else None,
    )


def pong(space_id: str | None) -> LiveEvent:
    message = LiveMessage(type="pong", space_id=space_id)
    return LiveEvent(text=message.model_dump_json(), type="pong", space_id=space_id, version=None)


def is_ping(text: str) -> bool:
    """A client's application-level keepalive: ``{"type": "ping"}`` (browsers cannot send
    protocol pings)."""
    try:
        message: Any = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than json can parse
        return False
    return isinstance(message, dict) and message.get("type") == "ping"
