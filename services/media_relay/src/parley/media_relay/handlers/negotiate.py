"""negotiateMedia: open the caller's WebRTC session on the worker placement chooses."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.chassis.errors import ServiceUnavailable, Unauthorized
from parley.contracts.api.media import MediaAnswer, NegotiateMedia
from parley.contracts.media import worker_negotiate_subject
from parley.media_relay.engine.worker import PlacedElsewhere
from parley.media_relay.handlers.dependencies import MediaDeps


def caller(ctx: RequestContext) -> str:
    if ctx.actor is None:
        raise Unauthorized("sign in to connect to a Space's audio", type="unauthorized")
    return ctx.actor


FORWARDS = 3  # a placed worker that vanished is forgotten and placement asked again


async def negotiate(deps: MediaDeps, payload: NegotiateMedia, ctx: RequestContext) -> MediaAnswer:
    """Any worker takes the request; if placement picks another, it is forwarded there."""
    user_id = caller(ctx)
    for _ in range(FORWARDS):
        try:
            return await deps.worker.negotiate(payload.space_id, user_id, payload.sdp)
        except PlacedElsewhere as elsewhere:
            subject = worker_negotiate_subject(elsewhere.worker_id)
            try:
                return MediaAnswer.model_validate(await deps.bus.request(subject, payload, ctx))
            except ServiceUnavailable:  # it stopped or crashed since its last heartbeat
                deps.worker.forget_worker(elsewhere.worker_id)
    return await deps.worker.negotiate(payload.space_id, user_id, payload.sdp, placed=True)


async def negotiate_here(
    deps: MediaDeps, payload: NegotiateMedia, ctx: RequestContext
) -> MediaAnswer:
    """A negotiation forwarded to this worker by placement: served here, not placed again."""
    return await deps.worker.negotiate(payload.space_id, caller(ctx), payload.sdp, placed=True)
