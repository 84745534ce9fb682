"""A timer of a scheduled Space came due: decided against the host's schedule as it is now.

Delivery is at least once and a firing may be stale (the Space's time changed, or it was
canceled or started, as the timer fired): the decider appends nothing then, so this handler
is idempotent. The timer's payload names the host and the start time it was armed for."""

from __future__ import annotations

from uuid import uuid4

from parley.chassis.event_store import EventMetadata
from parley.chassis.logs import get_logger
from parley.scheduling.domain.schedule import (
    AutoCancelCameDue,
    HostReminderCameDue,
    StartCameDue,
)
from parley.scheduling.handlers.dependencies import Fired, SchedulingDeps
from parley.scheduling.handlers.schedules import (
    AUTO_CANCEL,
    HOST_REMINDER,
    START,
    TimerPayload,
    disarm_timers,
    run_schedule,
)

log = get_logger(__name__)


async def timer_came_due(deps: SchedulingDeps, fired: Fired) -> None:
    space_id, _, kind = fired.timer_id.partition(".")
    payload = TimerPayload.decode(fired.payload)
    armed_for = payload.scheduled_start
    command: StartCameDue | HostReminderCameDue | AutoCancelCameDue
    if kind == START:
        command = StartCameDue(space_id, armed_for)
    elif kind == AUTO_CANCEL:
        command = AutoCancelCameDue(space_id, armed_for)
    elif kind.startswith(HOST_REMINDER) and kind[len(HOST_REMINDER) :].isdigit():
        command = HostReminderCameDue(space_id, armed_for, int(kind[len(HOST_REMINDER) :]))
    else:
        log.warning("scheduling.unknown_timer", timer_id=fired.timer_id)
        return
    metadata = EventMetadata(correlation_id=f"cor_timer_{uuid4().hex}")
    outcome = await run_schedule(deps, payload.host_id, command, metadata)
    if isinstance(command, AutoCancelCameDue) and outcome.new_events:
        await disarm_timers(deps, space_id)
