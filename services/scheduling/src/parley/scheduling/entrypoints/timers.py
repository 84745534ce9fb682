"""The scheduled Spaces' timers on the broker (``parley.chassis.timers``: JetStream message
schedules, ADR 19): their firings as a durable subscriber the replicas share, each firing
handled once by one of them."""

from __future__ import annotations

from functools import partial

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.timers import fired_timers
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.timer_came_due import timer_came_due

SERVICE = "scheduling"


def timer_firings(deps: SchedulingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    fired_timers(router, SERVICE, partial(timer_came_due, deps), dead_letters=dead_letters)
    return router
