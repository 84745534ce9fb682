"""When captions finalize a segment (captions' ``CaptionSegmentFinalized``), it joins the
transcript of every ready clip whose window it overlaps: the words of a clip made before they
were captioned fill in later. A segment of no clip's window changes nothing."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.clipping.handlers.attach_transcript import attach_segment_to_clips
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.contracts.events.captions import CaptionSegmentFinalized


def attach_to_clips_when_caption_segment_finalized(
    deps: ClippingDeps,
) -> Policy[CaptionSegmentFinalized]:
    async def react(finalized: CaptionSegmentFinalized, stored: StoredEvent) -> None:
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        await attach_segment_to_clips(deps, finalized, metadata)

    return Policy(
        "clipping_attach_to_clips_when_caption_segment_finalized",
        CaptionSegmentFinalized,
        react,
        description="Adds a final caption segment to the transcripts of the ready clips it "
        "falls in",
    )
