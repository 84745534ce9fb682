"""The envelope every stored event travels in (the message body on JetStream)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field


def new_event_id() -> str:
    return f"evt_{uuid4().hex}"


def utc_now() -> datetime:
    return datetime.now(UTC)


class TraceContext(BaseModel):
    """W3C trace context, so consumers continue the trace of the command that caused the event."""

    model_config = ConfigDict(frozen=True)

    traceparent: str | None = Field(default=None, description="W3C traceparent header value")
    tracestate: str | None = Field(default=None, description="W3C tracestate header value")


class EventEnvelope(BaseModel):
    """Metadata shared by every domain event, plus the event's own payload in ``data``."""

    model_config = ConfigDict(frozen=True)

    event_id: str = Field(
        default_factory=new_event_id,
        description=(
            "Globally unique id; also the JetStream Nats-Msg-Id, so a re-publish is stored once"
        ),
    )
    event_type: str = Field(description="Past-tense event name, e.g. UserRegistered")
    event_version: int = Field(ge=1, description="Schema version of `data` for this event_type")
    aggregate_id: str = Field(description="Id of the aggregate the event belongs to")
    occurred_at: datetime = Field(default_factory=utc_now, description="When it happened (UTC)")
    actor: str | None = Field(
        default=None, description="User id who caused it; null for the system"
    )
    correlation_id: str = Field(description="Id shared by everything one request caused")
    causation_id: str | None = Field(
        default=None, description="Id of the command or event that directly caused this one"
    )
    trace_context: TraceContext = Field(default_factory=TraceContext)
    data: dict[str, Any] = Field(
        description="The event payload, shaped by event_type/event_version"
    )
