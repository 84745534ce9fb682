"""When a clip is requested (our own ``ClipRequested``), it is cut: a durable consumer, so a
clip requested just before a crash is cut after the restart, and one replica cuts each clip."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.clipping.handlers.cut_clip import cut_clip
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.contracts.events.clipping import ClipRequested


def cut_clip_when_clip_requested(deps: ClippingDeps) -> Policy[ClipRequested]:
    async def react(requested: ClipRequested, stored: StoredEvent) -> None:
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        await cut_clip(deps, requested, metadata)

    return Policy(
        "clipping_cut_when_clip_requested",
        ClipRequested,
        react,
        description="Cuts a requested clip from the program feed or the finished recording",
    )
