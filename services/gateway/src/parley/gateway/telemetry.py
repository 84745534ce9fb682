"""One OpenTelemetry server span and one log line per HTTP request.

The span is current while the handler runs, so the bus client's spans (and the W3C headers it
puts on NATS requests) continue the caller's trace into the services.
"""

from __future__ import annotations

import re
import time

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from parley.chassis.logs import get_logger
from parley.chassis.tracing import extract_context
from parley.gateway.request_ids import request_id_of

log = get_logger(__name__)
_tracer = trace.get_tracer("parley.gateway")
_PARAM_TYPE = re.compile(r"\{(\w+):\w+\}")  # "/users/{handle:str}" -> "/users/{handle}"


def trace_requests(app: ASGIApp) -> ASGIApp:
    """Litestar middleware factory (it runs for every matched route)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        headers = {key.decode("latin-1"): val.decode("latin-1") for key, val in scope["headers"]}
        route = _PARAM_TYPE.sub(r"{\1}", scope.get("path_template") or scope["path"])
        status = 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        with (
            structlog.contextvars.bound_contextvars(request_id=request_id),
            _tracer.start_as_current_span(
                f"{scope['method']} {route}", context=extract_context(headers), kind=SpanKind.SERVER
            ) as span,
        ):
            span.set_attribute("http.request.method", scope["method"])
            span.set_attribute("http.route", route)
            span.set_attribute("parley.request_id", request_id)
            try:
                await app(scope, receive, send_and_watch)
            finally:
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                log.info(
                    "http.request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 1),
                )

    return middleware
