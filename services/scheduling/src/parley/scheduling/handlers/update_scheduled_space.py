"""``cmd.scheduling.update_scheduled_space``: the host edits a Space before it starts; a new
time re-arms its timers (the old ones then find nothing to do)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.scheduling import ScheduledSpaceView, UpdateScheduledSpace
from parley.scheduling.domain.schedule import Update
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.schedules import answer, arm_timers, host_of_space, run_schedule


async def update_scheduled_space(
    deps: SchedulingDeps, payload: UpdateScheduledSpace, ctx: RequestContext
) -> ScheduledSpaceView:
    actor_id = require_actor(ctx, "edit a scheduled Space")
    host_id = await host_of_space(deps, payload.space_id)
    command = Update(
        space_id=payload.space_id,
        actor_id=actor_id,
        now=deps.clock(),
        title=payload.title,
        description=payload.description,
        topics=None if payload.topics is None else tuple(payload.topics),
        scheduled_start=payload.scheduled_start,
        limits=deps.limits,
    )
    outcome = await run_schedule(deps, host_id, command, ctx.event_metadata())
    if payload.scheduled_start is not None:
        await arm_timers(deps, outcome.state.spaces[payload.space_id])
    return await answer(deps, payload.space_id, outcome.version, ctx)
