"""Scheduling's policy, a durable JetStream subscriber with explicit acks."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import subscribe_policy
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.policies.when_space_started_mark_started import (
    mark_started_when_space_started,
)


def reactions(deps: SchedulingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    subscribe_policy(router, mark_started_when_space_started(deps), dead_letters=dead_letters)
    return router
