"""NATS connection and JetStream stream set-up (idempotent: safe on every start)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import nats
from nats.aio.client import Client as NATS

from parley.chassis.logs import get_logger

log = get_logger(__name__)

DUPLICATE_WINDOW_NS = 2 * 60 * 1_000_000_000


@dataclass(frozen=True)
class StreamSpec:
    """One JetStream stream per bounded context, e.g. ``StreamSpec("IDENTITY", ["identity.>"])``."""

    name: str
    subjects: list[str]
    replicas: int = 1
    max_age_s: float = 0  # 0 keeps events forever: they are the source of truth
    extra: dict[str, object] = field(default_factory=dict)

    def config(self) -> dict[str, object]:
        return {
            "name": self.name,
            "subjects": self.subjects,
            "storage": "file",
            "retention": "limits",
            "num_replicas": self.replicas,
            "max_age": int(self.max_age_s * 1_000_000_000),
            "duplicate_window": DUPLICATE_WINDOW_NS,
            "allow_direct": True,  # fast aggregate loads (batched direct get)
            "allow_atomic": True,  # a command's events are appended all-or-nothing
            "discard": "old",
            **self.extra,
        }


class StreamSetupError(RuntimeError):
    pass


async def connect(url: str, name: str) -> NATS:
    """Connect with reconnects forever: a broker restart is a normal event."""

    async def on_error(error: Exception) -> None:
        log.warning("nats.error", error=str(error))

    async def on_disconnect() -> None:
        log.warning("nats.disconnected")

    async def on_reconnect() -> None:
        log.info("nats.reconnected")

    return await nats.connect(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        error_cb=on_error,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
    )


async def ensure_stream(nc: NATS, spec: StreamSpec) -> None:
    """Create the stream, or update it to ``spec`` if it exists. Raw API so that newer stream
    options (atomic batches) are set even where the client library lacks fields for them."""
    payload = json.dumps(spec.config()).encode()
    reply = await nc.request(f"$JS.API.STREAM.CREATE.{spec.name}", payload, timeout=5)
    body = json.loads(reply.data)
    error = body.get("error")
    if error and error.get("err_code") == 10058:  # stream name already in use
        reply = await nc.request(f"$JS.API.STREAM.UPDATE.{spec.name}", payload, timeout=5)
        body = json.loads(reply.data)
        error = body.get("error")
    if error:
        raise StreamSetupError(f"stream {spec.name}: {error}")


async def ensure_streams(nc: NATS, specs: list[StreamSpec]) -> None:
    for spec in specs:
        await ensure_stream(nc, spec)
