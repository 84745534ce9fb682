"""The caller's trace continues through the gateway into the bus request.

That the trace then goes on from the command to its event and the event's consumers is the
chassis's test (``libs/chassis/tests/integration/test_bus_and_tracing.py``)."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from parley.chassis.tracing import configure_tracing

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"


@pytest.fixture
def spans():
    configure_tracing("gateway-tests")
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


async def test_the_bus_request_carries_the_callers_trace(api, fake_identity, keys, spans):
    response = await api.put(
        "/api/v1/users/bob/follow",
        headers={
            "Authorization": f"Bearer {keys.token()}",
            "traceparent": f"00-{TRACE_ID}-{PARENT_SPAN}-01",
        },
    )

    assert response.status_code == 200
    [call] = fake_identity.requests()
    _, trace_id, bus_span_id, _ = call.headers["traceparent"].split("-")
    assert trace_id == TRACE_ID
    finished = {span.name: span for span in spans.get_finished_spans()}
    server = finished["PUT /api/v1/users/{handle}/follow"]
    # The bus client's one CLIENT span: a child of the HTTP server span, and the context that
    # goes on the wire (the service's consumer span continues from it).
    request = finished["cmd.identity.follow request"]
    assert request.kind == SpanKind.CLIENT
    assert server.parent.span_id == int(PARENT_SPAN, 16)
    assert request.parent.span_id == server.context.span_id
    assert f"{request.context.span_id:016x}" == bus_span_id
    assert {span.context.trace_id for span in (server, request)} == {int(TRACE_ID, 16)}
    assert server.attributes["http.response.status_code"] == 200
    assert server.attributes["parley.request_id"] == response.headers["x-request-id"]
