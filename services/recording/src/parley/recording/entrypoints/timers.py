"""The recordings' expiry timers on the broker (``parley.chassis.timers``: JetStream message
schedules, ADR 19): their firings as a durable subscriber the replicas share."""

from __future__ import annotations

from functools import partial

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.timers import fired_timers
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.handlers.expire_recording import expiry_came_due

SERVICE = "recording"


def timer_firings(deps: RecordingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    fired_timers(router, SERVICE, partial(expiry_came_due, deps), dead_letters=dead_letters)
    return router
