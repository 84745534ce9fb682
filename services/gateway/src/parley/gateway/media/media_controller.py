"""WebRTC negotiation with the media relay (offer in, answer out; no trickle ICE)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, delete, post
from litestar.params import JSONBody
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.api import media
from parley.contracts.api.media import (
    MAX_SDP_CHARS,
    MediaAnswer,
    MediaSessionClosedReply,
    NegotiateMedia,
    SpaceRef,
)
from parley.gateway.dependencies import BusDep, ContextDep, SettingsDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import SpaceId


class OfferBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sdp: str = Field(
        min_length=1,
        max_length=MAX_SDP_CHARS,
        description="The client's SDP offer with its ICE candidates gathered (no trickle)",
    )
    type: Literal["offer"] = "offer"


class MediaController(Controller):
    path = "/api/v1/spaces/{space_id:str}/media"
    tags = ["media"]
    guards = [requires_login]

    @post(
        "/offer",
        operation_id="negotiateMedia",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
    )
    async def negotiate(
        self,
        space_id: SpaceId,
        data: JSONBody[OfferBody],
        bus: BusDep,
        ctx: ContextDep,
        settings: SettingsDep,
    ) -> MediaAnswer:
        """Connect to the Space's audio. The caller must have joined; stage members may send
        audio (`can_publish`), everyone else only receives. A new offer replaces the caller's
        previous session (make one after being brought on stage, to start sending)."""
        offer = NegotiateMedia(space_id=space_id, sdp=data.sdp)
        # A longer timeout than other requests: the relay gathers ICE and sets up DTLS first.
        return await bus.call(media.NEGOTIATE, offer, ctx, timeout=settings.media_timeout_s)

    @delete(
        "/",
        operation_id="closeMediaSession",
        status_code=200,
        responses=problem_responses(401, 404, 422, 503),
    )
    async def close(
        self, space_id: SpaceId, bus: BusDep, ctx: ContextDep
    ) -> MediaSessionClosedReply:
        """Hang up the caller's audio connection to the Space."""
        return await bus.call(media.CLOSE_SESSION, SpaceRef(space_id=space_id), ctx)
