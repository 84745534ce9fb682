"""The host-grace timer's clock, a background job of the service: every ``interval_s``, the
due rows of ``room_timers`` go through the normal command path (``EndIfHostStillAway``). Rows
live in the database, so timers survive restarts.

With several replicas, the clock runs in the one that applies the ``room_timers`` read model
(it holds that projection's lease, ``parley.chassis.leases``); the others' clocks wait, and the
next holder's clock takes over with the projection when its replica stops or dies. Firing stays
safe where two clocks overlap for a moment (a handover): the command decides on the Space's
current state, and the event store's optimistic concurrency lets one append win, so a Space
ends once at most however many fire it.

(Issue 10 moves it onto JetStream's scheduled messages; until then it polls.)"""

from __future__ import annotations

import asyncio

from parley.chassis.logs import get_logger
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.end_if_host_still_away import end_if_host_still_away
from parley.room.projections.timers import HostGraceTimers
from parley.room.queries.timers import due_timers, forget_timer

log = get_logger(__name__)


async def fire_due_timers(deps: RoomDeps) -> int:
    """Fire every due timer once; the number of Spaces this ended."""
    async with deps.sessions() as session:
        due = await due_timers(session, deps.clock())
    ended = 0
    for space_id, deadline in due:
        if await end_if_host_still_away(deps, space_id, deadline):
            ended += 1
            log.info("room.host_timeout", space_id=space_id)
        # Fired, or moot (the host is back, the Space ended): either way it is done.
        async with deps.sessions.begin() as session:
            await forget_timer(session, space_id, deadline)
    return ended


def clock_runs_here(deps: RoomDeps) -> bool:
    """This replica applies the timers' read model (always true without read-your-writes
    positions, as in tests that build their own dependencies)."""
    return deps.positions is None or deps.positions.applies(HostGraceTimers.name)


async def poll_host_grace_timers(deps: RoomDeps, interval_s: float) -> None:
    while True:
        if clock_runs_here(deps):
            try:
                await fire_due_timers(deps)
            except Exception:  # a broken round must not stop the clock
                log.exception("room.timer_poll_failed")
        await asyncio.sleep(interval_s)
