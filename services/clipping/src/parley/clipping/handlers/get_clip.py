"""``qry.clipping.get_clip``: a clip from the read model (anyone: a share link opens for the
signed out). An expired or deleted clip is answered with its state and no audio."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.clipping.domain.errors import clip_not_found
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.clipping.queries.clips import clip_of
from parley.contracts.api.clipping import ClipRef, ClipView


async def get_clip(deps: ClippingDeps, payload: ClipRef, ctx: RequestContext) -> ClipView:
    found = await clip_of(deps.sessions, payload.clip_id, deps.public_url)
    if found is None:
        raise clip_not_found(payload.clip_id)
    return found
