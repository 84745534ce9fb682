"""What the audience does besides listening: reactions, and pinned posts."""

from __future__ import annotations

from litestar import Controller, delete, post
from litestar.params import JSONBody

from parley.contracts.api import room
from parley.contracts.api.room import PinPost, React, ReactionAccepted, SpaceView, UnpinPost
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses
from parley.gateway.spaces.schemas import PinBody, PinId, ReactionBody, SpaceId

_BODY_PROBLEMS = problem_responses(401, 403, 404, 409, 413, 422, 503)


class InteractionController(Controller):
    path = "/api/v1/spaces/{space_id:str}"
    tags = ["spaces"]
    guards = [requires_login]

    @post(
        "/reactions",
        operation_id="react",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 413, 422, 429, 503),
    )
    async def react(
        self, space_id: SpaceId, data: JSONBody[ReactionBody], bus: BusDep, ctx: ContextDep
    ) -> ReactionAccepted:
        """Send an emoji reaction: everyone in the Space sees it in the next `reactions`
        batch of the live channel. Rate limited per user."""
        return await bus.call(room.REACT, React(space_id=space_id, emoji=data.emoji), ctx)

    @post("/pins", operation_id="pinPost", status_code=200, responses=_BODY_PROBLEMS)
    async def pin_post(
        self, space_id: SpaceId, data: JSONBody[PinBody], bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Pin a post (a URL, optional text) to the Space (stage members; up to 3 pins)."""
        pin = PinPost(space_id=space_id, url=data.url, text=data.text)
        return await bus.call(room.PIN_POST, pin, ctx)

    @delete(
        "/pins/{pin_id:str}",
        operation_id="unpinPost",
        status_code=200,
        responses=problem_responses(401, 403, 404, 409, 422, 503),
    )
    async def unpin_post(
        self, space_id: SpaceId, pin_id: PinId, bus: BusDep, ctx: ContextDep
    ) -> SpaceView:
        """Unpin a post (host, co-host, or whoever pinned it)."""
        return await bus.call(room.UNPIN_POST, UnpinPost(space_id=space_id, pin_id=pin_id), ctx)
