"""When a recording becomes ready, its expiry timer is armed for ``ready + retention``
(``PARLEY_RECORDING_RETENTION_S``): a durable broker timer (ADR 19), not a cron, so it fires
once whether or not this service is running then.

Recording's own event, not another context's: arming it in the finalize itself could be lost
between the append and the arm (a crash), while this durable consumer runs again until it is
armed. At least once: arming again for the same time replaces the earlier arming; a recording
deleted since is not armed (a new durable starts from the stream's first event; a recording
past its time fires at once and is deleted)."""

from __future__ import annotations

from parley.chassis.decider import load_state
from parley.chassis.event_store import StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.recording import RecordingFinalized
from parley.recording.handlers.dependencies import (
    RecordingDeps,
    expiry_timer_id,
    recording_decider,
)


def arm_expiry_when_recording_finalized(deps: RecordingDeps) -> Policy[RecordingFinalized]:
    async def react(final: RecordingFinalized, stored: StoredEvent) -> None:
        if deps.timers is None:
            return
        state, _ = await load_state(deps.store, recording_decider, final.space_id, deps.cache)
        if state.phase != "ready":
            return  # deleted already
        expires_at = stored.envelope.occurred_at + deps.retention
        await deps.timers.arm(expiry_timer_id(final.space_id), expires_at)

    return Policy(
        "recording_expiry_when_finalized",
        RecordingFinalized,
        react,
        description="Arms a ready recording's expiry timer (deleted after the retention)",
    )
