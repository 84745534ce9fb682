"""Identity's reactions to other contexts' events, each a durable JetStream subscriber."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import subscribe_policy
from parley.identity.handlers.dependencies import IdentityDeps
from parley.identity.policies.when_participant_removed_with_block_block_them import (
    block_them_when_removed_with_block,
)


def reactions(deps: IdentityDeps, *, dead_letters: DeadLetters) -> NatsRouter:
    router = NatsRouter()
    subscribe_policy(router, block_them_when_removed_with_block(deps), dead_letters=dead_letters)
    return router
