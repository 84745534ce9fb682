"""A clip's transcript, attached from the caption segments of its window (``AttachTranscript``):
when the clip is ready (every segment known by then), and when captions finalize a segment of
a ready clip's window (that segment).

Neither may miss a segment finalized while the clip is being made. Each first waits for the
read model it looks in to hold its whole stream as of now: the segments (CAPTIONS) when a clip
is ready, the clips (CLIPPING) when a segment is final. A segment finalized before the clip's
``ClipReady`` was read is then in the segments read, and one finalized after finds the clip
ready. Each runs at least once and offers the decider what it found: a segment the transcript
has already appends nothing."""

from __future__ import annotations

from parley.chassis.decider import execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.clipping.domain.clip import AttachTranscript
from parley.clipping.domain.transcript import Segment
from parley.clipping.handlers.dependencies import ClippingDeps, clip_decider
from parley.clipping.projections.caption_segments import CaptionSegmentsProjection
from parley.clipping.projections.clips import ClipsProjection
from parley.clipping.queries.transcripts import ready_clips_overlapping, segments_in_window
from parley.contracts import streams
from parley.contracts.events.captions import CaptionSegmentFinalized


async def attach_window_transcript(
    deps: ClippingDeps, clip_id: str, metadata: EventMetadata
) -> None:
    """Every caption segment of the ready clip's window known now."""
    await deps.catch_up.wait(CaptionSegmentsProjection.name, streams.CAPTIONS)
    clip, _ = await load_state(deps.store, clip_decider, clip_id, deps.cache)
    if clip.phase != "ready" or clip.window is None:
        return  # gone meanwhile, or a live clip from before windows were recorded
    segments = await segments_in_window(deps.sessions, clip.space_id, clip.window)
    command = AttachTranscript(clip_id, tuple(segments))
    await execute(deps.store, clip_decider, clip_id, command, metadata, cache=deps.cache)


async def attach_segment_to_clips(
    deps: ClippingDeps, finalized: CaptionSegmentFinalized, metadata: EventMetadata
) -> None:
    """The segment, to every ready clip of its Space whose window it overlaps."""
    await deps.catch_up.wait(ClipsProjection.name, streams.CLIPPING)
    segment = Segment(finalized.speaker_id, finalized.start_ms, finalized.end_ms, finalized.text)
    clip_ids = await ready_clips_overlapping(
        deps.sessions, finalized.space_id, finalized.start_ms, finalized.end_ms
    )
    for clip_id in clip_ids:
        command = AttachTranscript(clip_id, (segment,))
        await execute(deps.store, clip_decider, clip_id, command, metadata, cache=deps.cache)
