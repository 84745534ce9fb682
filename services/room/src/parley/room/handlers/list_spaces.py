"""list_spaces: live Spaces by trending, or the upcoming scheduled ones, filtered by topic,
search text and "people I follow" (which needs an actor); anyone may ask."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import ListSpaces, SpacePage
from parley.room.handlers.dependencies import RoomDeps
from parley.room.queries import discovery


async def list_spaces(deps: RoomDeps, payload: ListSpaces, ctx: RequestContext) -> SpacePage:
    if payload.following:
        require_actor(ctx, "see Spaces from people you follow")
    async with deps.sessions() as session:
        return await discovery.list_spaces(
            session,
            payload,
            ctx.actor,
            now=deps.clock(),
            trending=deps.trending,
            public_url=deps.public_url,
        )
