"""Another context's events, appended in a test as their owner appends them (a stand-in for
room when a service reads room's stream, say)."""

from __future__ import annotations

from nats.aio.client import Client as NATS

from parley.chassis.event_store import EventMetadata, EventStore
from parley.contracts.registry import DomainEvent
from parley.contracts.streams import StreamSpec


class Appender:
    """Appends to ``spec``'s stream, each aggregate's events after the ones it appended."""

    def __init__(self, nc: NATS, spec: StreamSpec) -> None:
        self._store = EventStore(nc, stream=spec.name, context=spec.context)
        self._versions: dict[str, int] = {}

    async def append(self, aggregate_id: str, *events: DomainEvent) -> int:
        """The stream sequence of the last event appended."""
        version = await self._store.append(
            aggregate_id,
            list(events),
            expected_version=self._versions.get(aggregate_id, 0),
            metadata=EventMetadata(correlation_id="cor_test"),
        )
        self._versions[aggregate_id] = version
        return version
