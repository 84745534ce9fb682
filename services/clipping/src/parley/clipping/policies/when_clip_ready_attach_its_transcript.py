"""When a clip is ready (our own ``ClipReady``), the caption segments of its window known by
then become its transcript: a clip cut after its words were captioned (a replay clip, say) has
them at once. A clip made before captions exist keeps ``""`` until segments of its window are
finalized (``when_caption_segment_finalized_attach_it_to_clips.py``)."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.clipping.handlers.attach_transcript import attach_window_transcript
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.contracts.events.clipping import ClipReady


def attach_transcript_when_clip_ready(deps: ClippingDeps) -> Policy[ClipReady]:
    async def react(ready: ClipReady, stored: StoredEvent) -> None:
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        await attach_window_transcript(deps, ready.clip_id, metadata)

    return Policy(
        "clipping_attach_transcript_when_clip_ready",
        ClipReady,
        react,
        description="Attaches the caption segments of a ready clip's window as its transcript",
    )
