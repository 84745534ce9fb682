"""Commands and queries as NATS request/reply, with typed payloads and domain errors.

Wire format
- subject ``cmd.<context>.<name>`` or ``qry.<context>.<name>``; body: the payload as JSON;
- headers: ``Parley-Actor`` (acting user id, absent for anonymous/system),
  ``Parley-Correlation-Id``, and W3C ``traceparent``/``tracestate``;
- reply body: ``{"ok": true, "data": ...}`` or ``{"ok": false, "error": <problem>}``,
  where ``<problem>`` is a :class:`DomainError` as RFC 9457 fields.

Handlers are registered per service in a :class:`BusRouter` and subscribed with a queue group
named after the service, so replicas share the load.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import uuid4

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import BaseModel, ValidationError

from parley.chassis.errors import DomainError, InvalidInput, ServiceUnavailable
from parley.chassis.event_store import EventMetadata
from parley.chassis.logs import get_logger
from parley.chassis.tracing import current_trace_context, extract_context, inject_headers
from parley.contracts.subjects import command_subject, query_subject

log = get_logger(__name__)
_tracer = trace.get_tracer("parley.chassis.bus")

ACTOR_HEADER = "Parley-Actor"
CORRELATION_HEADER = "Parley-Correlation-Id"

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class RequestContext:
    """Who asks, and which request this is part of."""

    actor: str | None = None
    correlation_id: str = field(default_factory=lambda: f"cor_{uuid4().hex}")

    def event_metadata(self, causation_id: str | None = None) -> EventMetadata:
        return EventMetadata(
            correlation_id=self.correlation_id,
            actor=self.actor,
            causation_id=causation_id,
            trace_context=current_trace_context(),
        )

    def headers(self) -> dict[str, str]:
        headers = {CORRELATION_HEADER: self.correlation_id}
        if self.actor:
            headers[ACTOR_HEADER] = self.actor
        return inject_headers(headers)

    @staticmethod
    def from_headers(headers: dict[str, str] | None) -> RequestContext:
        headers = headers or {}
        return RequestContext(
            actor=headers.get(ACTOR_HEADER) or None,
            correlation_id=headers.get(CORRELATION_HEADER) or f"cor_{uuid4().hex}",
        )


Handler = Callable[[Any, RequestContext], Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    subject: str
    payload_type: type[BaseModel]
    handler: Handler


class BusRouter:
    """The commands and queries one service answers."""

    def __init__(self, context: str) -> None:
        self.context = context
        self.routes: list[Route] = []

    def command(
        self, name: str, payload_type: type[P]
    ) -> Callable[[Callable[[P, RequestContext], Awaitable[Any]]], Handler]:
        return self._register(command_subject(self.context, name), payload_type)

    def query(
        self, name: str, payload_type: type[P]
    ) -> Callable[[Callable[[P, RequestContext], Awaitable[Any]]], Handler]:
        return self._register(query_subject(self.context, name), payload_type)

    def _register(
        self, subject: str, payload_type: type[P]
    ) -> Callable[[Callable[[P, RequestContext], Awaitable[Any]]], Handler]:
        def decorate(fn: Callable[[P, RequestContext], Awaitable[Any]]) -> Handler:
            self.routes.append(Route(subject, payload_type, fn))
            return fn

        return decorate


def _to_jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_to_jsonable(item) for item in result]
    return result


def _validation_detail(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


async def handle_request(route: Route, msg: Msg) -> dict[str, Any]:
    """Run one route for one message; always returns a reply body, never raises."""
    ctx = RequestContext.from_headers(msg.headers)
    with _tracer.start_as_current_span(
        msg.subject, context=extract_context(msg.headers), kind=SpanKind.SERVER
    ) as span:
        span.set_attribute("parley.correlation_id", ctx.correlation_id)
        try:
            payload = route.payload_type.model_validate_json(msg.data or b"{}")
            result = await route.handler(payload, ctx)
            return {"ok": True, "data": _to_jsonable(result)}
        except ValidationError as error:
            problem = InvalidInput(_validation_detail(error)).to_problem()
        except DomainError as error:
            problem = error.to_problem()
        except Exception as error:  # a bug: report it, keep serving
            log.exception("bus.handler_failed", subject=msg.subject)
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR))
            problem = {
                "type": "internal-error",
                "title": "Internal error",
                "status": 500,
                "detail": "the service failed to handle the request",
            }
        span.set_attribute("parley.problem", problem["type"])
        return {"ok": False, "error": problem}


# nats-py runs one subscription's callbacks one after the other, so a callback that awaited
# the handler would answer one request at a time however many arrive together (a join storm).
# Each request runs as its own task instead, at most this many at once per process; past that
# the callback waits, which leaves further requests queued in the client (back-pressure).
MAX_IN_FLIGHT = 64


async def serve(
    nc: NATS, router: BusRouter, queue: str, *, max_in_flight: int = MAX_IN_FLIGHT
) -> list[Subscription]:
    """Subscribe every route of ``router`` in queue group ``queue``; answer concurrently."""
    slots = asyncio.Semaphore(max_in_flight)
    in_flight: set[asyncio.Task[None]] = set()

    async def answer(route: Route, msg: Msg) -> None:
        try:
            reply = await handle_request(route, msg)
            if msg.reply:
                await msg.respond(json.dumps(reply).encode())
        finally:
            slots.release()

    subscriptions = []
    for route in router.routes:

        async def on_message(msg: Msg, route: Route = route) -> None:
            await slots.acquire()
            task = asyncio.create_task(answer(route, msg))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)

        subscriptions.append(await nc.subscribe(route.subject, queue=queue, cb=on_message))
    return subscriptions


class BusClient:
    """Sends commands and queries; raises the service's :class:`DomainError` on failure."""

    def __init__(self, nc: NATS, *, timeout: float = 5.0) -> None:
        self._nc = nc
        self._timeout = timeout

    async def command(self, context: str, name: str, payload: Any, ctx: RequestContext) -> Any:
        return await self._request(command_subject(context, name), payload, ctx)

    async def query(self, context: str, name: str, payload: Any, ctx: RequestContext) -> Any:
        return await self._request(query_subject(context, name), payload, ctx)

    async def request(self, subject: str, payload: Any, ctx: RequestContext) -> Any:
        """A request on any subject served by :func:`serve` (e.g. one worker's own)."""
        return await self._request(subject, payload, ctx)

    async def _request(self, subject: str, payload: Any, ctx: RequestContext) -> Any:
        body = json.dumps(_to_jsonable(payload)).encode()
        with _tracer.start_as_current_span(subject, kind=SpanKind.CLIENT):
            try:
                reply = await self._nc.request(
                    subject, body, timeout=self._timeout, headers=ctx.headers()
                )
            except (NoRespondersError, NatsTimeout) as error:
                raise ServiceUnavailable(
                    f"{subject.split('.')[1]} service did not answer", type="service-unavailable"
                ) from error
        answer = json.loads(reply.data)
        if answer.get("ok"):
            return answer.get("data")
        raise DomainError.from_problem(answer.get("error") or {})
