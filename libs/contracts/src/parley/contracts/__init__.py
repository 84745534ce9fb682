"""Parley's public event contracts: the envelope, versioned domain events and subject names.

Internal teams build on these, so they change only by adding fields or new versions with an
upcaster (see ``upcasting``), never silently.
"""

from parley.contracts.envelope import EventEnvelope, TraceContext
from parley.contracts.registry import DomainEvent, decode_event, event_class, registered_events
from parley.contracts.subjects import aggregate_filter, event_subject, parse_subject

__all__ = [
    "DomainEvent",
    "EventEnvelope",
    "TraceContext",
    "aggregate_filter",
    "decode_event",
    "event_class",
    "event_subject",
    "parse_subject",
    "registered_events",
]
