"""``cmd.scheduling.schedule_space``: the actor schedules a Space and hosts it."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.scheduling import ScheduledSpaceView, ScheduleSpace
from parley.contracts.events.room import SpaceSettings
from parley.scheduling.domain.errors import NotFound
from parley.scheduling.domain.rules import is_valid_id
from parley.scheduling.domain.schedule import Schedule
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.schedules import answer, arm_timers, new_space_id, run_schedule


async def schedule_space(
    deps: SchedulingDeps, payload: ScheduleSpace, ctx: RequestContext
) -> ScheduledSpaceView:
    host_id = require_actor(ctx, "schedule a Space")
    if not is_valid_id(host_id):
        raise NotFound("user-not-found", "no such user")
    command = Schedule(
        space_id=new_space_id(ctx.command_id),
        host_id=host_id,
        title=payload.title,
        description=payload.description,
        topics=tuple(payload.topics),
        settings=SpaceSettings(
            speak_policy=payload.speak_policy,
            recording=payload.recording,
            clipping=payload.clipping,
            captions=payload.captions,
            max_listeners=payload.max_listeners,
        ),
        scheduled_start=payload.scheduled_start,
        now=deps.clock(),
        limits=deps.limits,
    )
    outcome = await run_schedule(deps, host_id, command, ctx.event_metadata())
    # Also when this command ran before (nothing new): its timers may not all have been armed.
    await arm_timers(deps, outcome.state.spaces[command.space_id])
    return await answer(deps, command.space_id, outcome.version, ctx)
