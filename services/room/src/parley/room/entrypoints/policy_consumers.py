"""Room's policies (``parley.room.policies``), each a durable JetStream consumer of the stream
holding the events it reacts to, with the chassis' explicit acknowledgement: retried with a
delay, then a dead letter."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import subscribe_policy
from parley.room.handlers.dependencies import RoomDeps
from parley.room.policies.when_user_suspended_end_their_spaces_and_remove_them import (
    when_user_suspended_end_their_spaces_and_remove_them,
)
from parley.room.projections.catch_up import CatchUp


def policy_consumers(deps: RoomDeps, catch_up: CatchUp, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    subscribe_policy(
        router,
        when_user_suspended_end_their_spaces_and_remove_them(deps, catch_up),
        dead_letters=dead_letters,
    )
    return router
