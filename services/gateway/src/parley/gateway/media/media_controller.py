"""WebRTC negotiation with the media relay (offer in, answer out; no trickle ICE)."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, delete, post
from litestar.params import JSONBody
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.api.media import MAX_SDP_CHARS, MediaAnswer, MediaSessionClosedReply
from parley.gateway.auth import requires_login
from parley.gateway.dependencies import ContextDep, MediaDep
from parley.gateway.problems import problem_responses
from parley.gateway.security import TOKEN_SECURITY
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
    security = TOKEN_SECURITY

    @post(
        "/offer",
        operation_id="negotiateMedia",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 413, 422, 503),
    )
    async def negotiate(
        self, space_id: SpaceId, data: JSONBody[OfferBody], media: MediaDep, ctx: ContextDep
    ) -> MediaAnswer:
        """Connect to the Space's audio. The caller must have joined; stage members may send
        audio (`can_publish`), everyone else only receives. A new offer replaces the caller's
        previous session (make one after being brought on stage, to start sending)."""
        return await media.negotiate(space_id, data.sdp, ctx)

    @delete(
        "/",
        operation_id="closeMediaSession",
        status_code=200,
        responses=problem_responses(401, 404, 422, 503),
    )
    async def close(
        self, space_id: SpaceId, media: MediaDep, ctx: ContextDep
    ) -> MediaSessionClosedReply:
        """Hang up the caller's audio connection to the Space."""
        return await media.close_session(space_id, ctx)
