"""Commands and queries as NATS request/reply on FastStream, typed by their route declarations.

A service serves each route of its context (``parley.contracts.api.<context>``) with
:func:`serve`: a FastStream subscriber on the route's subject, in the service's queue group so
that replicas share the load, answering many requests at once. Callers send through
:class:`BusClient`, which returns the route's result type or raises the service's
:class:`DomainError` (on the broker's connection, see its docstring).

Wire format (see :mod:`parley.contracts.routes`):
- headers: ``Parley-Actor`` (acting user id, absent for anonymous/system),
  ``Parley-Correlation-Id``, W3C ``traceparent``/``tracestate`` (the broker's tracing
  middleware, :class:`parley.chassis.messaging.MessageTracing`);
- reply: the result as JSON, or a problem with the ``Parley-Problem`` header.

FastStream sends nothing back when a handler raises, so the caller would wait for its timeout:
:class:`ProblemReplies`, the middleware of every route router, turns each exception into a
problem reply at once: a domain error keeps its status and slug, a payload that does not
validate is a 422, a bug is a 500 without internals (a pydantic model the handler itself
builds failing to validate included: that is not the caller's input).

What a request costs the serving process (``bench/bus_bench.py``) is FastStream's consume
path, kept short where the chassis knows more than FastStream: the route's decoder parses and
validates the body in one pass (:func:`payload_decoder`), so FastDepends has nothing left to
do for a route and is off for its subscriber; and each request runs in a task of its own under
a semaphore instead of going through FastStream's anyio memory stream
(:class:`RouteSubscriber`, :class:`ConcurrentRouteSubscriber`).
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from uuid import uuid4

from faststream import BaseMiddleware
from faststream.message import StreamMessage
from faststream.nats import NatsBroker, NatsResponse, NatsRouter
from faststream.nats.subscriber.usecases.core_subscriber import (
    ConcurrentCoreSubscriber,
    CoreSubscriber,
)
from nats.aio.msg import Msg
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json

from parley.chassis.errors import (
    DomainError,
    InvalidInput,
    OutcomeUnknown,
    ServiceUnavailable,
    Unauthorized,
)
from parley.chassis.event_store import EventMetadata
from parley.chassis.idempotency import (
    COMMAND_ID_HEADER,
    IN_PROGRESS,
    MAX_COMMAND_ID_CHARS,
    Command,
    CommandOutcomes,
)
from parley.chassis.logs import get_logger
from parley.chassis.tracing import current_trace_context, inject_headers, spans_recorded
from parley.contracts.routes import PROBLEM_HEADER, Route

log = get_logger(__name__)
_tracer = trace.get_tracer("parley.chassis.bus")

ACTOR_HEADER = "Parley-Actor"
CORRELATION_HEADER = "Parley-Correlation-Id"
START_BY_HEADER = "Parley-Start-By"
REPLY_BY_HEADER = "Parley-Reply-By"
NOT_SIGNED_IN = "unauthenticated"

# A caller waits this long for one attempt's reply, then retries (a query, or a command with
# its command id: the service answers a repeat with the first attempt's outcome) while its
# budget lasts. A service refuses (503 ``overloaded``, nothing applied) a request it could not
# start within START_WITHIN_S of its sending, so that whatever it does start ends before the
# caller stops waiting: a timeout then means a dead or stuck replica, not a queue.
ATTEMPT_TIMEOUT_S = 2.5
START_WITHIN_S = 1.5
RETRY_PAUSE_S = 0.1
# No attempt shorter than this: on a busy machine even "nobody serves this" can take longer
# than a sliver of budget to come back, and that timeout would read as "outcome unknown".
MIN_ATTEMPT_S = 0.5
REPLY_MARGIN_S = 0.1  # a reply's way back to its caller

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


@dataclass(frozen=True)
class RequestContext:
    """Who asks, which request this is part of, which command (its id makes a repeat
    idempotent, :mod:`parley.chassis.idempotency`), by when it must start and by when its
    caller stops waiting for this attempt's reply (epoch seconds, set by :class:`BusClient`
    for each attempt)."""

    actor: str | None = None
    correlation_id: str = field(default_factory=lambda: f"cor_{uuid4().hex}")
    command_id: str | None = None
    start_by: float | None = None
    reply_by: float | None = None

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
        if self.command_id:
            headers[COMMAND_ID_HEADER] = self.command_id
        if self.start_by is not None:
            headers[START_BY_HEADER] = f"{self.start_by:.3f}"
        if self.reply_by is not None:
            headers[REPLY_BY_HEADER] = f"{self.reply_by:.3f}"
        return headers

    @staticmethod
    def from_headers(headers: dict[str, Any] | None) -> RequestContext:
        headers = headers or {}
        command_id = headers.get(COMMAND_ID_HEADER) or None
        return RequestContext(
            actor=headers.get(ACTOR_HEADER) or None,
            correlation_id=headers.get(CORRELATION_HEADER) or f"cor_{uuid4().hex}",
            command_id=command_id[:MAX_COMMAND_ID_CHARS] if command_id else None,
            start_by=_epoch(headers.get(START_BY_HEADER)),
            reply_by=_epoch(headers.get(REPLY_BY_HEADER)),
        )

    def admit(self) -> None:
        """Refuse, before anything is applied, a request that could not start in time: its
        caller is about to give up on it (or has), and would not know what happened."""
        if self.start_by is not None and time.time() > self.start_by:
            raise _overloaded()


OVERLOADED = "overloaded"


def _overloaded() -> ServiceUnavailable:
    return ServiceUnavailable(
        "too busy to start this request in time; nothing was applied, retry later",
        type=OVERLOADED,
    )


@asynccontextmanager
async def request_slot(slots: asyncio.Semaphore) -> AsyncIterator[None]:
    """One of a scarce resource's ``slots`` (e.g. password hashing) for the request being
    handled, waited for no longer than its start-by deadline: past it, the request is refused
    (503 ``overloaded``) before it applies anything, as :meth:`RequestContext.admit` does."""
    ctx = _current_request.get(None)
    start_by = ctx.start_by if ctx is not None else None
    if start_by is None:
        async with slots:
            yield
        return
    try:
        async with asyncio.timeout(max(0.0, start_by - time.time())):
            await slots.acquire()
    except TimeoutError:
        raise _overloaded() from None
    try:
        yield
    finally:
        slots.release()


def _epoch(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def require_actor(ctx: RequestContext, doing: str = "do this") -> str:
    """The acting user, or the one "not signed in" problem (401 ``unauthenticated``)."""
    if ctx.actor is None:
        raise Unauthorized(f"sign in to {doing}", type=NOT_SIGNED_IN)
    return ctx.actor


_current_request: ContextVar[RequestContext] = ContextVar("parley_request")


class HandlerBug(RuntimeError):
    """A handler failed in a way that is not the caller's doing (answered as a 500)."""


def _validation_detail(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        loc = problem["loc"][1:] if problem["loc"][:1] == ("payload",) else problem["loc"]
        where = ".".join(str(part) for part in loc) or "body"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def problem_reply(problem: dict[str, Any]) -> NatsResponse:
    return NatsResponse(
        json.dumps(problem).encode(), headers={PROBLEM_HEADER: str(problem["status"])}
    )


class ProblemReplies(BaseMiddleware):
    """Every request answered: the handler's result, or a problem for whatever it raised."""

    async def consume_scope(
        self, call_next: Callable[[StreamMessage[Any]], Awaitable[Any]], msg: StreamMessage[Any]
    ) -> Any:
        token = _current_request.set(RequestContext.from_headers(msg.headers))
        try:
            return await call_next(msg)
        except ValidationError as error:
            problem = InvalidInput(_validation_detail(error)).to_problem()
        except DomainError as error:
            problem = error.to_problem()
        except Exception as error:  # a bug: report it, keep serving, answer at once
            log.exception("bus.handler_failed", subject=getattr(msg.raw_message, "subject", ""))
            span = trace.get_current_span()
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR))
            problem = {
                "type": "internal-error",
                "title": "Internal error",
                "status": 500,
                "detail": "the service failed to handle the request",
            }
        finally:
            _current_request.reset(token)
        trace.get_current_span().set_attribute("parley.problem", problem["type"])
        return problem_reply(problem)


async def tolerant_json(msg: StreamMessage[Any]) -> Any:
    """The body as JSON, or the raw bytes when it is not JSON (the payload type then rejects
    it as a 422), whatever the bytes and the content type say. A coroutine: FastStream runs a
    plain function decoder in a worker thread, one thread hop per request."""
    try:
        return json.loads(msg.body or b"{}")
    except (ValueError, RecursionError):
        return msg.body


def route_router() -> NatsRouter:
    """A router for a service's routes: every request gets a reply, problems included."""
    return NatsRouter(middlewares=(ProblemReplies,), decoder=tolerant_json)


def payload_decoder(
    payload: type[P],
) -> Callable[[StreamMessage[Any]], Awaitable[P]]:
    """The route's payload from the body in one pass (pydantic-core parses and validates the
    JSON bytes): a ``ValidationError`` for whatever is not the payload (bad UTF-8, bad JSON,
    the wrong shape), which :class:`ProblemReplies` answers as a 422. A coroutine: FastStream
    runs a plain function decoder on a worker thread."""

    async def decode(msg: StreamMessage[Any]) -> P:
        return payload.model_validate_json(msg.body or b"{}")

    return decode


class RouteSubscriber(CoreSubscriber):
    """FastStream's core subscriber for a route (one request at a time, ``max_in_flight=1``),
    without two pieces of its per-message work:

    - FastDepends: the handler ``serve`` registers takes one argument, the payload, which the
      route's decoder has already validated; there is nothing to inject and nothing left to
      check, so FastStream calls it with the decoded payload directly (its ``apply_types``,
      turned off for these subscribers only; the signature still gives the AsyncAPI document
      the payload type).
    - The log context: FastStream rebuilds the subscriber's subject for every message.
    """

    _log_subject: str | None = None

    def _build_fastdepends_model(self) -> None:
        fd_config = replace(self._outer_config.fd_config, use_fastdepends=False)
        for call in self.calls:
            parser, decoder = self._get_parser_and_decoder(call.item_parser, call.item_decoder)
            call._setup(
                parser=parser,
                decoder=decoder,
                config=fd_config,
                broker_dependencies=self._outer_config.broker_dependencies,
                _call_decorators=self._call_decorators,
            )
            call.handler.refresh(with_mock=False)

    def get_log_context(self, message: StreamMessage[Msg] | None) -> dict[str, str]:
        if message is None:  # asked before the broker starts (its prefix may still change)
            return super().get_log_context(message)
        if self._log_subject is None:
            self._log_subject = self.subject.template
        return {
            "subject": self._log_subject,
            "queue": self.queue,
            "stream": "",
            "message_id": getattr(message, "message_id", ""),
        }


class ConcurrentRouteSubscriber(RouteSubscriber, ConcurrentCoreSubscriber):
    """A route answered up to ``max_workers`` requests at a time: FastStream's concurrent core
    subscriber, trimmed as :class:`RouteSubscriber`, with a cheaper hand-over: the
    subscription's callback starts each request in a task of its own once one of
    ``max_workers`` slots is free (an ``asyncio.Semaphore``; past that, requests wait in the
    client: back-pressure, as before).

    FastStream's own (``ConcurrentMixin``) passes every message through an anyio memory stream
    to a task group behind two anyio semaphores, each step yielding to the event loop: a
    request took several loop turns, ~40 % of its CPU (``bench/README.md``). The consume path
    itself (middlewares, decoding, the handler, the reply) is FastStream's; a graceful stop
    still waits for the requests in flight (FastStream's lock around each)."""

    _slots: asyncio.Semaphore
    _in_flight: set[asyncio.Task[None]]

    async def start(self) -> None:
        self._slots = asyncio.Semaphore(self.max_workers)
        self._in_flight = set()
        await super().start()

    def start_consume_task(self) -> None:
        """No consuming task: :meth:`_put_msg` starts one per request."""

    async def _put_msg(self, msg: Msg) -> None:
        await self._slots.acquire()
        task = asyncio.create_task(self._answer(msg))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _answer(self, msg: Msg) -> None:
        try:
            await self.consume(msg)
        finally:
            self._slots.release()

    async def stop(self) -> None:
        await super().stop()  # waits for the requests in flight (graceful timeout)
        in_flight = list(self._in_flight)
        for task in in_flight:
            task.cancel()
        if in_flight:
            # Their cleanup (a claim given back, a session closed) runs now, while the
            # connection and the database are still there: left for later, it could wait on
            # them for ever.
            await asyncio.wait(in_flight, timeout=STOP_WAIT_S)


_ROUTE_SUBSCRIBERS: dict[type[Any], type[Any]] = {
    CoreSubscriber: RouteSubscriber,
    ConcurrentCoreSubscriber: ConcurrentRouteSubscriber,
}


STOP_WAIT_S = 5.0  # how long a stopping route waits for its cancelled requests to clean up

# Requests answered at once per subscriber (a join storm must not queue behind one slow one);
# past that, further requests wait in the client (back-pressure).
MAX_IN_FLIGHT = 64


def serve(
    router: NatsRouter,
    route: Route[P, R],
    handler: Callable[[P, RequestContext], Awaitable[R]],
    *,
    queue: str,
    subject: str | None = None,
    max_in_flight: int = MAX_IN_FLIGHT,
    outcomes: CommandOutcomes | None = None,
) -> None:
    """Answer ``route`` (or ``subject``, e.g. one worker's own) with ``handler``; a command
    with a command id at most once, given the service's ``outcomes``."""
    remembered = outcomes if route.kind == "command" else None

    async def run(payload: Any, ctx: RequestContext) -> bytes:
        try:
            result = await handler(payload, ctx)
        except ValidationError as error:  # the handler's own models refused: a bug, not a 422
            raise HandlerBug(f"{route.subject}: {error}") from error
        return route.result_adapter.dump_json(result)

    async def answer(payload: Any) -> bytes:
        ctx = _current_request.get()
        ctx.admit()
        if remembered is None or ctx.command_id is None:
            return await run(payload, ctx)
        command = Command(ctx.command_id, subject or route.subject, _fingerprint(payload))
        # A repeat waits for an attempt in progress while its caller still listens.
        wait_until = ctx.reply_by - REPLY_MARGIN_S if ctx.reply_by is not None else None
        return await remembered.once(command, lambda: run(payload, ctx), deadline=wait_until)

    # The AsyncAPI document takes the payload type from the signature (the decoder validates
    # it); the result is already serialised by its route: no return type for FastStream.
    answer.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("payload", inspect.Parameter.POSITIONAL_ONLY, annotation=route.payload)]
    )
    answer.__name__ = f"{route.kind}_{route.context}_{route.name}"
    subscriber = router.subscriber(
        subject or route.subject,
        queue=queue,
        max_workers=max_in_flight,
        decoder=payload_decoder(route.payload),
        title=f"{subject or route.subject}:{route.kind}",
        description=route.description or None,
    )
    # FastStream picks the subscriber class from the options; the chassis' variant of it
    # (same state, different methods) is swapped in before the handler is registered.
    subscriber.__class__ = _ROUTE_SUBSCRIBERS[type(subscriber)]
    subscriber(answer)


def _fingerprint(payload: BaseModel) -> str:
    """What a repeat of a command must carry again (the IETF draft's request fingerprint)."""
    return hashlib.sha256(payload.model_dump_json().encode()).hexdigest()


def _body(payload: object) -> bytes:
    """The payload as JSON: a model as it serialises itself; raw JSON data (a test sending
    what the route's own validation must refuse) as it is."""
    if isinstance(payload, BaseModel):
        return payload.model_dump_json().encode()
    if isinstance(payload, bytes):
        return payload
    return to_json(payload)


class BusClient:
    """Sends commands and queries through their routes; raises the service's
    :class:`DomainError` on a problem reply, and tells apart what happened when none came:

    - nobody serves the route (``NoResponders``, e.g. every replica restarting): nothing was
      applied; retried while the budget lasts, then :class:`ServiceUnavailable`;
    - an attempt got no reply within ``ATTEMPT_TIMEOUT_S`` (its replica died or is stuck):
      a query, or a command (every command carries a command id, the caller's or one made
      here), is sent again with the same id, and the service answers a repeat with the first
      attempt's outcome; when the budget ends first, a command's outcome is unknown
      (:class:`OutcomeUnknown`, 504: retry with the same key), a query's is nothing
      (:class:`ServiceUnavailable`). A repeat refused as ``overloaded`` (too busy to start it)
      says nothing of the attempt that timed out: it is asked again, and at the end the
      outcome is unknown, never "nothing was applied".

    The request goes out on the broker's own nats-py connection, in one client span whose
    context travels in the headers (the server's FastStream telemetry continues it; with no
    spans recorded, no span: the caller's own trace context travels instead):
    ``broker.request`` would run FastStream's publish and consume pipelines around every call
    (three spans, two middleware stacks), which measured as much CPU as serving the request
    (``bench/bus_bench.py``)."""

    def __init__(
        self,
        broker: NatsBroker,
        *,
        timeout: float = 5.0,
        attempt_timeout: float = ATTEMPT_TIMEOUT_S,
        start_within: float = START_WITHIN_S,
    ) -> None:
        self._broker = broker
        self._timeout = timeout
        self._attempt_timeout = attempt_timeout
        self._start_within = start_within

    async def call(
        self,
        route: Route[P, R],
        payload: P,
        ctx: RequestContext,
        *,
        subject: str | None = None,
        timeout: float | None = None,
    ) -> R:
        subject = subject or route.subject
        if route.kind == "command" and ctx.command_id is None:
            ctx = replace(ctx, command_id=f"cmd_{uuid4().hex}")
        if not spans_recorded():  # nothing to record: the caller's trace context still travels
            return await self._request(route, payload, ctx, subject, timeout, trace.INVALID_SPAN)
        with _tracer.start_as_current_span(
            f"{subject} request",
            kind=SpanKind.CLIENT,
            attributes={"messaging.system": "nats", "messaging.destination.name": subject},
        ) as span:
            return await self._request(route, payload, ctx, subject, timeout, span)

    async def _request(
        self,
        route: Route[P, R],
        payload: P,
        ctx: RequestContext,
        subject: str,
        timeout: float | None,
        span: trace.Span,
    ) -> R:
        body = _body(payload)
        give_up_at = time.monotonic() + (timeout or self._timeout)
        maybe_applied = False
        while True:
            left = give_up_at - time.monotonic()
            attempt_timeout = min(self._attempt_timeout, left)
            now = time.time()
            attempt = replace(
                ctx,
                start_by=now + min(self._start_within, attempt_timeout * 0.6),
                reply_by=now + attempt_timeout,
            )
            try:
                reply = await self._broker.connection.request(
                    subject,
                    body,
                    timeout=attempt_timeout,
                    headers=inject_headers(attempt.headers()),
                )
            except NoRespondersError:
                if give_up_at - time.monotonic() > RETRY_PAUSE_S + MIN_ATTEMPT_S:
                    await asyncio.sleep(RETRY_PAUSE_S)  # a replica may be (re)starting
                    continue
            except (NatsTimeout, TimeoutError):
                maybe_applied = route.kind == "command"
                if give_up_at - time.monotonic() > MIN_ATTEMPT_S:
                    log.warning("bus.attempt_timed_out", subject=subject, retrying=True)
                    continue
            else:
                problem = _problem_type(reply)
                if maybe_applied and problem == OVERLOADED:
                    # this attempt was refused before it started, but an earlier one that
                    # timed out may have run: "nothing was applied" is not known; ask again
                    if give_up_at - time.monotonic() > RETRY_PAUSE_S + MIN_ATTEMPT_S:
                        await asyncio.sleep(RETRY_PAUSE_S)
                        continue
                elif problem != IN_PROGRESS or give_up_at - time.monotonic() <= MIN_ATTEMPT_S:
                    return _result(route, reply, span)
                else:
                    maybe_applied = True  # another attempt of it runs: ask again for its outcome
                    continue
            span.set_status(Status(StatusCode.ERROR, "no answer"))
            if maybe_applied:
                raise OutcomeUnknown(
                    f"the {route.context} service did not answer in time: this may or may not"
                    " have been applied; send it again with the same Idempotency-Key to learn"
                    " its outcome"
                )
            raise ServiceUnavailable(
                f"{route.context} service did not answer; nothing was applied",
                type="service-unavailable",
            )


def _problem_type(reply: Msg) -> str | None:
    """The type of a service's problem answer (``None`` for a result)."""
    if PROBLEM_HEADER not in (reply.headers or {}):
        return None
    kind = json.loads(reply.data).get("type")
    return kind if isinstance(kind, str) else None


def _result(route: Route[P, R], reply: Msg, span: trace.Span) -> R:
    if PROBLEM_HEADER in (reply.headers or {}):
        problem = DomainError.from_problem(json.loads(reply.data))
        span.set_attribute("parley.problem", problem.type)
        raise problem
    return route.result_adapter.validate_json(reply.data)
