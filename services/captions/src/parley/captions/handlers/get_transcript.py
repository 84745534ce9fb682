"""``qry.captions.get_transcript``: a Space's transcript so far, from the read model (anyone)."""

from __future__ import annotations

from parley.captions.domain.errors import space_not_found
from parley.captions.handlers.dependencies import CaptionsDeps
from parley.captions.queries.captions import transcript_of
from parley.chassis.bus import RequestContext
from parley.contracts.api.captions import Transcript, TranscriptRef


async def get_transcript(
    deps: CaptionsDeps, payload: TranscriptRef, ctx: RequestContext
) -> Transcript:
    found = await transcript_of(deps.sessions, payload.space_id)
    if found is None:
        raise space_not_found(payload.space_id)
    return found
