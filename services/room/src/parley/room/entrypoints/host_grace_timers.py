"""The host-grace timers' firings (``parley.chassis.timers``: a durable consumer the replicas
share, so each firing is handled in one of them, again after a failure): the Space ends unless
its host came back or its deadline moved on, through the normal command path
(``EndIfHostStillAway``). Late, twice, or in two replicas at once, it ends the Space once at
most: the command decides on the Space's current state and the event store lets one append
win."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.logs import get_logger
from parley.chassis.timers import FiredTimer, fired_timers
from parley.room.domain.evolve import parse_time
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.end_if_host_still_away import end_if_host_still_away
from parley.room.policies.when_host_disconnected_arm_the_grace_timer import GRACE_TIMER

log = get_logger(__name__)


def host_grace_timers(deps: RoomDeps, service: str, *, dead_letters: DeadLetters) -> NatsRouter:
    async def came_due(fired: FiredTimer) -> None:
        space_id, _, kind = fired.timer_id.rpartition(".")
        deadline = parse_time(fired.payload.decode())
        if kind != GRACE_TIMER or deadline is None:
            log.warning("room.unknown_timer", timer_id=fired.timer_id)
            return
        if await end_if_host_still_away(deps, space_id, deadline):
            log.info("room.host_timeout", space_id=space_id)

    router = NatsRouter()
    fired_timers(router, service, came_due, dead_letters=dead_letters)
    return router
