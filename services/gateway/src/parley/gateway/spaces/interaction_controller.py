"""What the audience does besides listening: reactions, and pinned posts."""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.params import JSONBody

from parley.contracts.api.room import PinPost, ReactionAccepted, SpaceView
from parley.gateway.auth import requires_login
from parley.gateway.dependencies import ContextDep, RoomDep
from parley.gateway.problems import problem_responses
from parley.gateway.security import TOKEN_SECURITY
from parley.gateway.spaces.schemas import PinBody, PinId, ReactionBody, SpaceId

_BODY_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class InteractionController(Controller):
    path = "/api/v1/spaces/{space_id:str}"
    tags = ["spaces"]
    guards = [requires_login]
    security = TOKEN_SECURITY

    @post(
        "/reactions",
        operation_id="react",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 413, 422, 429, 503),
    )
    async def react(
        self, space_id: SpaceId, data: JSONBody[ReactionBody], room: RoomDep, ctx: ContextDep
    ) -> ReactionAccepted:
        """Send an emoji reaction: everyone in the Space sees it in the next `reactions`
        batch of the live channel. Rate limited per user."""
        return await room.react(space_id, data.emoji, ctx)

    @post("/pins", operation_id="pinPost", status_code=200, responses=_BODY_PROBLEMS)
    async def pin_post(
        self, space_id: SpaceId, data: JSONBody[PinBody], room: RoomDep, ctx: ContextDep
    ) -> SpaceView:
        """Pin a post (a URL, optional text) to the Space (stage members; up to 3 pins)."""
        return await room.pin_post(PinPost(space_id=space_id, url=data.url, text=data.text), ctx)

    @delete(
        "/pins/{pin_id:str}",
        operation_id="unpinPost",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 422, 503),
    )
    async def unpin_post(
        self, space_id: SpaceId, pin_id: PinId, room: RoomDep, ctx: ContextDep
    ) -> SpaceView:
        """Unpin a post (host, co-host, or whoever pinned it)."""
        return await room.unpin_post(space_id, pin_id, ctx)
