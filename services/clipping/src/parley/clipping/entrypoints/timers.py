"""The clips' expiry timers on the broker (``parley.chassis.timers``, ADR 19): one per ready
clip (id = the clip's), fired once by the server at its time, handled by one replica."""

from __future__ import annotations

from functools import partial

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.timers import fired_timers
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.clipping.handlers.expire_clip import expire_clip

SERVICE = "clipping"


def timer_firings(deps: ClippingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    fired_timers(router, SERVICE, partial(expire_clip, deps), dead_letters=dead_letters)
    return router
