"""Room's policies (``parley.room.policies``), each a durable JetStream consumer of the stream
holding the events it reacts to, with the chassis' explicit acknowledgement: retried with a
delay, then a dead letter."""

from __future__ import annotations

from typing import Any

from faststream.nats import NatsRouter

from parley.chassis.dead_letters import DeadLetters
from parley.chassis.policies import Policy, subscribe_policy
from parley.chassis.projections import CatchUp
from parley.chassis.timers import Timers
from parley.room.handlers.dependencies import RoomDeps
from parley.room.policies.when_host_disconnected_arm_the_grace_timer import (
    when_host_disconnected_arm_the_grace_timer,
)
from parley.room.policies.when_recording_finalized_note_it import when_recording_finalized_note_it
from parley.room.policies.when_scheduled_time_comes_note_it import (
    when_host_reminder_due_note_it,
    when_scheduled_start_due_note_it,
)
from parley.room.policies.when_space_scheduled_keep_a_copy import (
    when_scheduled_space_canceled_cancel_the_copy,
    when_scheduled_space_updated_update_the_copy,
    when_space_scheduled_keep_a_copy,
)
from parley.room.policies.when_user_suspended_end_their_spaces_and_remove_them import (
    when_user_suspended_end_their_spaces_and_remove_them,
)


def policy_consumers(
    deps: RoomDeps, catch_up: CatchUp, timers: Timers, *, dead_letters: DeadLetters
) -> NatsRouter:
    router = NatsRouter()
    policies: list[Policy[Any]] = [
        when_host_disconnected_arm_the_grace_timer(timers),
        when_user_suspended_end_their_spaces_and_remove_them(deps, catch_up),
        when_space_scheduled_keep_a_copy(deps),
        when_scheduled_space_updated_update_the_copy(deps),
        when_scheduled_space_canceled_cancel_the_copy(deps),
        when_scheduled_start_due_note_it(deps, catch_up),
        when_host_reminder_due_note_it(deps),
        when_recording_finalized_note_it(deps),
    ]
    for policy in policies:
        subscribe_policy(router, policy, dead_letters=dead_letters)
    return router
