"""Hanging up, and who is speaking."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.media import ActiveSpeakers, MediaSessionClosedReply, SpaceRef
from parley.media_relay.handlers.dependencies import MediaDeps


async def close_session(
    deps: MediaDeps, payload: SpaceRef, ctx: RequestContext
) -> MediaSessionClosedReply:
    user_id = require_actor(ctx, "hang up")
    await deps.worker.request_hang_up(payload.space_id, user_id)
    return MediaSessionClosedReply(space_id=payload.space_id, closed=True)


async def active_speakers(
    deps: MediaDeps, payload: SpaceRef, ctx: RequestContext
) -> ActiveSpeakers:
    return ActiveSpeakers(
        space_id=payload.space_id, user_ids=deps.worker.active_speakers(payload.space_id)
    )
