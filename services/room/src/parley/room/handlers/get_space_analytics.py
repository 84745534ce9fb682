"""get_space_analytics: the host's numbers for one of their Spaces (``queries.analytics``)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import SpaceAnalytics, SpaceRef
from parley.room.handlers.dependencies import RoomDeps
from parley.room.queries.analytics import space_analytics


async def get_space_analytics(
    deps: RoomDeps, payload: SpaceRef, ctx: RequestContext
) -> SpaceAnalytics:
    actor_id = require_actor(ctx, "see a Space's analytics")
    async with deps.sessions() as session:
        return await space_analytics(session, payload.space_id, actor_id, now=deps.clock())
