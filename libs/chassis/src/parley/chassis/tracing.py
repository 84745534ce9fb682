"""OpenTelemetry tracing with W3C context carried in NATS headers.

gateway → command (request headers) → event (stored in the envelope and headers) → consumers
all share one trace id.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

from parley.contracts.envelope import TraceContext

TRACE_HEADERS = ("traceparent", "tracestate")


def configure_tracing(service_name: str, exporter: str | None = None) -> TracerProvider | None:
    """Install this process's tracer provider (idempotent per process).

    ``exporter``: ``"console"`` or ``"otlp"`` record spans and export them; ``"none"`` (a
    service's default) installs nothing: spans are not recorded, which costs a request next to
    nothing, and a caller's W3C trace context still passes through every hop unchanged;
    ``None`` records spans for processors the caller adds (tests).
    """
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    if exporter == "none":
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    processor: SpanProcessor | None = None
    if exporter == "console":
        processor = BatchSpanProcessor(ConsoleSpanExporter())
    elif exporter == "otlp":  # pragma: no cover - needs the optional exporter package
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
            OTLPSpanExporter,
        )

        processor = BatchSpanProcessor(OTLPSpanExporter())
    if processor is not None:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


_recording = False


def spans_recorded() -> bool:
    """Whether this process records spans: a tracer provider other than OpenTelemetry's no-op
    default is installed (one cannot be uninstalled: once true, always true)."""
    global _recording
    if not _recording:
        provider = trace.get_tracer_provider()
        _recording = not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)
    return _recording


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def inject_headers(headers: dict[str, str] | None = None) -> dict[str, str]:
    """Headers carrying the current span's context (for a NATS message)."""
    carrier: dict[str, str] = dict(headers or {})
    propagate.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> Context:
    return propagate.extract(dict(headers or {}))


def current_trace_context() -> TraceContext:
    carrier = inject_headers()
    return TraceContext(
        traceparent=carrier.get("traceparent"), tracestate=carrier.get("tracestate")
    )


def context_of(trace_context: TraceContext) -> Context:
    return extract_context(trace_context.model_dump(exclude_none=True))
