"""``cmd.scheduling.cancel_scheduled_space``: the host cancels a Space before it starts; every
timer of it is disarmed."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.scheduling import ScheduledSpaceRef, ScheduledSpaceView
from parley.scheduling.domain.schedule import Cancel
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.schedules import (
    answer,
    disarm_timers,
    host_of_space,
    run_schedule,
)


async def cancel_scheduled_space(
    deps: SchedulingDeps, payload: ScheduledSpaceRef, ctx: RequestContext
) -> ScheduledSpaceView:
    actor_id = require_actor(ctx, "cancel a scheduled Space")
    host_id = await host_of_space(deps, payload.space_id)
    command = Cancel(space_id=payload.space_id, actor_id=actor_id)
    outcome = await run_schedule(deps, host_id, command, ctx.event_metadata())
    await disarm_timers(deps, payload.space_id)  # also when canceled before: idempotent
    return await answer(deps, payload.space_id, outcome.version, ctx)
