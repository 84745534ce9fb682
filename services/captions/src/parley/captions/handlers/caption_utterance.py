"""A speaker's words, captioned: an utterance still going on becomes a partial caption on the
live channel; a finished one is transcribed, its final segment appended to the speaker's
transcript (nothing when it held no words, or was captioned already) and its final caption
said on the live channel."""

from __future__ import annotations

from collections.abc import Callable

from parley.captions.domain.transcript import FinalizeSegment
from parley.captions.domain.utterances import Utterance
from parley.captions.handlers.dependencies import CaptionsDeps, transcript_decider
from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata
from parley.contracts.events.captions import transcript_id
from parley.contracts.live import CaptionLine, caption_segment_id


def caption_line(speaker_id: str, utterance: Utterance, text: str) -> CaptionLine:
    return CaptionLine(
        segment_id=caption_segment_id(speaker_id, utterance.start_ms),
        speaker_id=speaker_id,
        start_ms=utterance.start_ms,
        end_ms=utterance.end_ms,
        text=text,
    )


async def caption_partial(
    deps: CaptionsDeps,
    space_id: str,
    speaker_id: str,
    utterance: Utterance,
    *,
    still_spoken: Callable[[], bool],
) -> CaptionLine | None:
    """The words so far, said on the live channel, unless the utterance ended while they were
    transcribed (its final is on the way: a partial after it would take its place)."""
    text = await deps.transcriber.transcribe(utterance.pcm)
    if not text or not still_spoken():
        return None
    line = caption_line(speaker_id, utterance, text)
    await deps.live.partial(space_id, line)
    return line


async def caption_utterance(
    deps: CaptionsDeps,
    space_id: str,
    speaker_id: str,
    utterance: Utterance,
    *,
    partials_shown: bool = False,
) -> CaptionLine | None:
    """The final caption of a finished utterance. One without words is said (empty) only when
    partials of it were shown, so that clients drop them."""
    text = await deps.transcriber.transcribe(utterance.pcm)
    if text:
        command = FinalizeSegment(
            space_id=space_id,
            speaker_id=speaker_id,
            start_ms=utterance.start_ms,
            end_ms=utterance.end_ms,
            text=text,
        )
        await execute(
            deps.store,
            transcript_decider,
            transcript_id(space_id, speaker_id),
            command,
            EventMetadata(correlation_id=f"cap_{space_id}"),
            cache=deps.cache,
        )
    elif not partials_shown:
        return None
    line = caption_line(speaker_id, utterance, text)
    await deps.live.final(space_id, line)
    return line
