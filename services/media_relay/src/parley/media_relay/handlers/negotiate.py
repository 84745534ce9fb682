"""negotiateMedia: open the caller's WebRTC session on the worker placement chooses."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.errors import ServiceUnavailable
from parley.contracts.api.media import NEGOTIATE, MediaAnswer, NegotiateMedia
from parley.contracts.media import worker_negotiate_subject
from parley.media_relay.engine.worker import PlacedElsewhere
from parley.media_relay.handlers.dependencies import MediaDeps

CONNECTING = "connect to a Space's audio"
FORWARDS = 3  # a placed worker that vanished is forgotten and placement asked again
FORWARD_TIMEOUT_S = 10.0  # the chosen worker answers once aiortc has gathered its candidates


async def negotiate(deps: MediaDeps, payload: NegotiateMedia, ctx: RequestContext) -> MediaAnswer:
    """Any worker takes the request; if placement picks another, it is forwarded there."""
    user_id = require_actor(ctx, CONNECTING)
    for _ in range(FORWARDS):
        try:
            return await deps.worker.negotiate(payload.space_id, user_id, payload.sdp)
        except PlacedElsewhere as elsewhere:
            subject = worker_negotiate_subject(elsewhere.worker_id)
            try:
                return await deps.bus.call(
                    NEGOTIATE, payload, ctx, subject=subject, timeout=FORWARD_TIMEOUT_S
                )
            except ServiceUnavailable:  # it stopped or crashed since its last heartbeat
                deps.worker.forget_worker(elsewhere.worker_id)
    return await deps.worker.negotiate(payload.space_id, user_id, payload.sdp, placed=True)


async def negotiate_here(
    deps: MediaDeps, payload: NegotiateMedia, ctx: RequestContext
) -> MediaAnswer:
    """A negotiation forwarded to this worker by placement: served here, not placed again."""
    user_id = require_actor(ctx, CONNECTING)
    return await deps.worker.negotiate(payload.space_id, user_id, payload.sdp, placed=True)
