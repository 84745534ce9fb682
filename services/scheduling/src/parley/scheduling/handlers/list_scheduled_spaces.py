"""``qry.scheduling.list_scheduled_spaces``: upcoming Spaces, soonest first (one host's, or
everyone's), from the read model."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.scheduling import ListScheduledSpaces, ScheduledSpacePage
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.queries.scheduled_spaces import Viewer, upcoming


async def list_scheduled_spaces(
    deps: SchedulingDeps, payload: ListScheduledSpaces, ctx: RequestContext
) -> ScheduledSpacePage:
    items = await upcoming(
        deps.sessions,
        Viewer(ctx.actor, deps.public_url),
        host_id=payload.host_id,
        limit=payload.limit,
    )
    return ScheduledSpacePage(items=items)
