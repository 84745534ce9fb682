"""``cmd.scheduling.set_reminder`` / ``clear_reminder``: anyone signed in is told (or no longer
told) when a scheduled Space starts. A reminder is set only on a Space still scheduled; one is
cleared whatever became of the Space."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.decider import execute
from parley.contracts.api.scheduling import ScheduledSpaceRef, ScheduledSpaceView
from parley.contracts.events.scheduling import reminder_id
from parley.scheduling.domain.errors import NotFound, space_canceled, space_started
from parley.scheduling.domain.reminders import ClearReminder, SetReminder
from parley.scheduling.domain.rules import is_valid_id
from parley.scheduling.handlers.dependencies import SchedulingDeps, reminder_decider
from parley.scheduling.handlers.schedules import answer, host_of_space, load_schedule


async def set_reminder(
    deps: SchedulingDeps, payload: ScheduledSpaceRef, ctx: RequestContext
) -> ScheduledSpaceView:
    user_id = _user(require_actor(ctx, "set a reminder"))
    host_id = await host_of_space(deps, payload.space_id)
    state, _ = await load_schedule(deps, host_id)
    status = state.spaces[payload.space_id].status
    if status == "canceled":
        raise space_canceled()
    if status == "started":
        raise space_started()
    command = SetReminder(space_id=payload.space_id, user_id=user_id)
    return await _remind(deps, command, ctx)


async def clear_reminder(
    deps: SchedulingDeps, payload: ScheduledSpaceRef, ctx: RequestContext
) -> ScheduledSpaceView:
    user_id = _user(require_actor(ctx, "clear a reminder"))
    await host_of_space(deps, payload.space_id)
    command = ClearReminder(space_id=payload.space_id, user_id=user_id)
    return await _remind(deps, command, ctx)


async def _remind(
    deps: SchedulingDeps, command: SetReminder | ClearReminder, ctx: RequestContext
) -> ScheduledSpaceView:
    aggregate = reminder_id(command.space_id, command.user_id)
    outcome = await execute(
        deps.store, reminder_decider, aggregate, command, ctx.event_metadata(), cache=deps.cache
    )
    return await answer(deps, command.space_id, outcome.version, ctx)


def _user(user_id: str) -> str:
    """User ids become subject tokens (``<space_id>~<user_id>``)."""
    if not is_valid_id(user_id):
        raise NotFound("user-not-found", "no such user")
    return user_id
