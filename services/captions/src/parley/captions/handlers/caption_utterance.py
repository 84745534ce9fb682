"""One finished utterance of a speaker: transcribed, then its final segment appended to the
speaker's transcript (nothing when it held no words, or was captioned already)."""

from __future__ import annotations

from parley.captions.domain.transcript import FinalizeSegment
from parley.captions.domain.utterances import Utterance
from parley.captions.handlers.dependencies import CaptionsDeps, transcript_decider
from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata
from parley.contracts.events.captions import CaptionSegmentFinalized, transcript_id


async def caption_utterance(
    deps: CaptionsDeps, space_id: str, speaker_id: str, utterance: Utterance
) -> CaptionSegmentFinalized | None:
    text = await deps.transcriber.transcribe(utterance.pcm)
    if not text:
        return None
    command = FinalizeSegment(
        space_id=space_id,
        speaker_id=speaker_id,
        start_ms=utterance.start_ms,
        end_ms=utterance.end_ms,
        text=text,
    )
    outcome = await execute(
        deps.store,
        transcript_decider,
        transcript_id(space_id, speaker_id),
        command,
        EventMetadata(correlation_id=f"cap_{space_id}"),
        cache=deps.cache,
    )
    finalized = [e for e in outcome.new_events if isinstance(e, CaptionSegmentFinalized)]
    return finalized[0] if finalized else None
