"""What the scheduling handlers share: a new Space's id, running a host's schedule, finding
the schedule a Space is in, answering with the caller's view, and the Space's timers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from parley.chassis.bus import RequestContext
from parley.chassis.decider import Outcome, execute, load_state
from parley.chassis.event_store import EventMetadata
from parley.contracts.api.scheduling import ScheduledSpaceView
from parley.scheduling.domain import schedule
from parley.scheduling.domain.errors import space_not_found
from parley.scheduling.domain.rules import as_utc, is_valid_id
from parley.scheduling.domain.schedule import HostSchedule, ScheduledSpace
from parley.scheduling.handlers.dependencies import SchedulingDeps, schedule_decider
from parley.scheduling.projections.scheduled_spaces import ScheduledSpacesProjection
from parley.scheduling.queries.scheduled_spaces import Viewer, host_of, scheduled_space


def new_space_id(command_id: str | None = None) -> str:
    """A new scheduled Space's id (room starts it under the same id). Made from the command's
    id when it has one, so the command run again finds the Space it made instead of making a
    second one; salted with the context, so it never equals an id room made from a command."""
    if command_id is None:
        return f"sp_{uuid4().hex[:20]}"
    return f"sp_{hashlib.sha256(f'scheduling:{command_id}'.encode()).hexdigest()[:20]}"


async def run_schedule(
    deps: SchedulingDeps, host_id: str, command: schedule.Command, metadata: EventMetadata
) -> Outcome[HostSchedule]:
    """Load the host's schedule, decide, append; again on a concurrent change."""
    return await execute(deps.store, schedule_decider, host_id, command, metadata, cache=deps.cache)


async def load_schedule(deps: SchedulingDeps, host_id: str) -> tuple[HostSchedule, int]:
    return await load_state(deps.store, schedule_decider, host_id, deps.cache)


async def host_of_space(deps: SchedulingDeps, space_id: str) -> str:
    """The host whose schedule holds the Space; 404 when scheduling does not know it."""
    host_id = await host_of(deps.sessions, space_id) if is_valid_id(space_id) else None
    if host_id is None:
        raise space_not_found()
    return host_id


async def answer(
    deps: SchedulingDeps, space_id: str, version: int, ctx: RequestContext
) -> ScheduledSpaceView:
    """The Space as the caller sees it, once the read model shows the change (read-your-writes:
    the caller's next request finds it)."""
    await deps.positions.wait(ScheduledSpacesProjection.name, version)
    return await view_of(deps, space_id, ctx.actor)


async def view_of(deps: SchedulingDeps, space_id: str, viewer: str | None) -> ScheduledSpaceView:
    if not is_valid_id(space_id):
        raise space_not_found()
    view = await scheduled_space(deps.sessions, space_id, Viewer(viewer, deps.public_url))
    if view is None:
        raise space_not_found()
    return view


# -- timers --------------------------------------------------------------------------------

START = "start"
AUTO_CANCEL = "auto_cancel"
HOST_REMINDER = "host_"


@dataclass(frozen=True)
class TimerPayload:
    """What a timer carries: whose schedule, and the start time it was armed for."""

    host_id: str
    scheduled_start: datetime

    def encode(self) -> bytes:
        return json.dumps(
            {"host_id": self.host_id, "scheduled_start": self.scheduled_start.isoformat()}
        ).encode()

    @staticmethod
    def decode(data: bytes) -> TimerPayload:
        raw = json.loads(data)
        return TimerPayload(raw["host_id"], as_utc(datetime.fromisoformat(raw["scheduled_start"])))


def timer_ids(deps: SchedulingDeps, space_id: str) -> list[str]:
    return [
        f"{space_id}.{START}",
        f"{space_id}.{AUTO_CANCEL}",
        *(f"{space_id}.{HOST_REMINDER}{before}" for before in deps.host_reminders_s),
    ]


def due_times(deps: SchedulingDeps, space: ScheduledSpace) -> dict[str, datetime]:
    """Each timer of the Space and when it fires: the start, the auto-cancel, and the host's
    reminders still ahead."""
    start = space.scheduled_start
    now = deps.clock()
    due = {
        f"{space.space_id}.{START}": start,
        f"{space.space_id}.{AUTO_CANCEL}": start + timedelta(seconds=deps.auto_cancel_s),
    }
    for before in deps.host_reminders_s:
        at = start - timedelta(seconds=before)
        if at > now:
            due[f"{space.space_id}.{HOST_REMINDER}{before}"] = at
    return due


async def arm_timers(deps: SchedulingDeps, space: ScheduledSpace) -> None:
    """(Re)arm every timer of a scheduled Space after the event that needs them is stored:
    arming replaces an earlier arming, so doing it twice is harmless, and a reminder no longer
    ahead is disarmed (its old time would find nothing to do anyway)."""
    due = due_times(deps, space)
    payload = TimerPayload(space.host_id, space.scheduled_start).encode()
    for timer_id in timer_ids(deps, space.space_id):
        if timer_id in due:
            await deps.timers.arm(timer_id, due[timer_id], payload)
        else:
            await deps.timers.disarm(timer_id)


async def disarm_timers(deps: SchedulingDeps, space_id: str) -> None:
    for timer_id in timer_ids(deps, space_id):
        await deps.timers.disarm(timer_id)
