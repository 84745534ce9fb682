"""Filter subjects for a projection that reads a few room event types."""

from __future__ import annotations

from parley.contracts.events.room import CONTEXT
from parley.contracts.registry import DomainEvent
from parley.contracts.subjects import event_type_filter


def room_events(*types: type[DomainEvent]) -> tuple[str, ...]:
    return tuple(event_type_filter(CONTEXT, kind.event_type()) for kind in types)
