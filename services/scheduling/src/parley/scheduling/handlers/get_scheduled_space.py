"""``qry.scheduling.get_scheduled_space``: a scheduled Space, from the read model."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.scheduling import ScheduledSpaceRef, ScheduledSpaceView
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.schedules import view_of


async def get_scheduled_space(
    deps: SchedulingDeps, payload: ScheduledSpaceRef, ctx: RequestContext
) -> ScheduledSpaceView:
    return await view_of(deps, payload.space_id, ctx.actor)
