"""Recording's policies, each a durable JetStream subscriber with explicit acks."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import subscribe_policy
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.policies.when_recording_finalized_arm_its_expiry import (
    arm_expiry_when_recording_finalized,
)
from parley.recording.policies.when_space_created_start_recording import (
    start_recording_when_space_created,
)
from parley.recording.policies.when_space_ended_stop_recording import (
    stop_recording_when_space_ended,
)


def reactions(deps: RecordingDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    subscribe_policy(router, start_recording_when_space_created(deps), dead_letters=dead_letters)
    subscribe_policy(router, stop_recording_when_space_ended(deps), dead_letters=dead_letters)
    subscribe_policy(router, arm_expiry_when_recording_finalized(deps), dead_letters=dead_letters)
    return router
