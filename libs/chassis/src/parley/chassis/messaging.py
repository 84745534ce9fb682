"""The process's one NATS connection (a FastStream broker) and its JetStream streams.

A service connects through :func:`make_broker` only; :func:`connect` is a plain nats-py
connection for programs that are not services (tests, benchmarks, tools).

Only a stream's owner creates or updates it (:func:`ensure_stream`, idempotent: safe on every
start); every other service waits for it (:func:`wait_for_stream`) and never changes it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from faststream import BaseMiddleware, ContextRepo
from faststream.message import StreamMessage
from faststream.nats import NatsBroker
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.aio.client import Client as NATS
from opentelemetry import context as otel_context
from opentelemetry import propagate

from parley.chassis.logs import get_logger
from parley.chassis.tracing import spans_recorded
from parley.contracts.registry import events_of
from parley.contracts.streams import StreamSpec

log = get_logger(__name__)

STREAM_NOT_FOUND = 10059
STREAM_NAME_IN_USE = 10058


class StreamSetupError(RuntimeError):
    pass


async def _on_error(error: Exception) -> None:
    log.warning("nats.error", error=str(error))


def _on_disconnect(client: Callable[[], NATS | None]) -> Callable[[], Awaitable[None]]:
    """A lost connection is worth a warning; closing it on purpose (shutdown) is not."""

    async def on_disconnect() -> None:
        try:
            closing = (nc := client()) is not None and nc.is_closed
        except Exception:  # no connection state yet
            closing = False
        if closing:
            log.info("nats.closed")
        else:
            log.warning("nats.disconnected")

    return on_disconnect


async def _on_reconnect() -> None:
    log.info("nats.reconnected")


async def its_message(msg: StreamMessage[Any]) -> StreamMessage[Any]:
    """A subscriber's decoder handing its handler FastStream's message itself (to ack, NAK, or
    read the raw message): ``async def handler(message: Any)`` with ``decoder=its_message``.

    Instead of a ``msg: NatsMessage`` (or ``Path()``, ``Context()``) parameter: FastStream
    resolves each such parameter per message in an anyio task group, calling its plain-function
    resolver on a worker thread (a thread hop per message). A coroutine for the same reason: a
    plain-function decoder would run on a worker thread too."""
    return msg


class PassTraceContext(BaseMiddleware):
    """The W3C trace context of a message, passed on and nothing else: a message received runs
    in its sender's context (so that the events a handler stores carry it), a message sent
    carries the current one. What FastStream's telemetry middleware does when no span is
    recorded, without the spans, attributes, metrics and context scopes it builds for every
    message all the same (``bench/bus_bench.py``)."""

    async def consume_scope(
        self, call_next: Callable[[StreamMessage[Any]], Awaitable[Any]], msg: StreamMessage[Any]
    ) -> Any:
        headers = msg.headers
        if "traceparent" not in headers:
            return await call_next(msg)
        token = otel_context.attach(propagate.extract(headers))
        try:
            return await call_next(msg)
        finally:
            otel_context.detach(token)

    async def publish_scope(self, call_next: Callable[[Any], Awaitable[Any]], cmd: Any) -> Any:
        propagate.inject(cmd.headers)
        return await call_next(cmd)


class MessageTracing:
    """The broker's tracing, chosen per message: FastStream's NATS telemetry middleware (a
    consumer span per message received, producer spans per message sent) while this process
    records spans (``parley.chassis.tracing.configure_tracing``), otherwise only the trace
    context passed on (:class:`PassTraceContext`). Decided per message because tracing may be
    configured after the broker is made."""

    def __init__(self) -> None:
        self._telemetry = NatsTelemetryMiddleware()

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> BaseMiddleware[Any, Any]:
        if spans_recorded():
            return self._telemetry(msg, context=context)
        return PassTraceContext(msg, context=context)


def make_broker(url: str, name: str) -> NatsBroker:
    """One broker per process: reconnects forever (a broker restart is a normal event), and
    carries the trace of every message it sends and receives."""
    made: list[NatsBroker] = []
    broker = NatsBroker(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,  # type: ignore[arg-type]  # nats-py takes seconds as float
        error_cb=_on_error,
        disconnected_cb=_on_disconnect(lambda: made[0].connection if made else None),
        reconnected_cb=_on_reconnect,
        middlewares=(MessageTracing(),),
        logger=None,  # one line per message is noise; handlers log what matters
        graceful_timeout=10.0,
    )
    made.append(broker)
    return broker


async def connect(url: str, name: str) -> NATS:
    """A plain nats-py connection that reconnects forever, for tests, benchmarks and tools (a
    service uses its broker's connection)."""
    nc = NATS()
    await nc.connect(
        url,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,  # type: ignore[arg-type]  # seconds, float in practice
        error_cb=_on_error,
        disconnected_cb=_on_disconnect(lambda: nc),
        reconnected_cb=_on_reconnect,
    )
    return nc


async def ensure_stream(nc: NATS, spec: StreamSpec) -> None:
    """Create the stream, or update it to ``spec`` if it exists (its owner only). Raw API so
    that newer stream options (atomic batches, schedules) are set where the client lacks them."""
    events_of(spec.context)  # a context without declared events is a start-up error
    payload = json.dumps(spec.config()).encode()
    body = await _api(nc, f"STREAM.CREATE.{spec.name}", payload)
    error = body.get("error")
    if error and error.get("err_code") == STREAM_NAME_IN_USE:
        body = await _api(nc, f"STREAM.UPDATE.{spec.name}", payload)
        error = body.get("error")
    if error:
        raise StreamSetupError(f"stream {spec.name}: {error}")


async def wait_for_stream(nc: NATS, spec: StreamSpec, *, poll_s: float = 0.5) -> None:
    """Wait until ``spec``'s owner has created it; never create or change it."""
    events_of(spec.context)
    logged = False
    while True:
        body = await _api(nc, f"STREAM.INFO.{spec.name}", b"")
        error = body.get("error")
        if not error:
            return
        if error.get("err_code") != STREAM_NOT_FOUND:
            raise StreamSetupError(f"stream {spec.name}: {error}")
        if not logged:
            log.info("stream.waiting_for_owner", stream=spec.name, owner=spec.owner)
            logged = True
        await asyncio.sleep(poll_s)


async def prepare_streams(
    nc: NATS, service: str, streams: Sequence[StreamSpec], *, replicas: int = 1
) -> None:
    """Create or update the streams ``service`` owns; wait for the ones it only reads."""
    for spec in streams:
        if spec.owner == service:
            await ensure_stream(nc, replace(spec, replicas=replicas))
        else:
            await wait_for_stream(nc, spec)


async def _api(nc: NATS, call: str, payload: bytes) -> dict[str, Any]:
    reply = await nc.request(f"$JS.API.{call}", payload, timeout=5)
    body: dict[str, Any] = json.loads(reply.data)
    return body
