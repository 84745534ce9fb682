"""When room starts a Space that scheduling holds (same Space id, ADR 20), scheduling records
that it started: the host's slot is free, it can no longer be edited or canceled here, and its
timers are disarmed (its start, reminders and auto-cancel no longer apply).

Delivery is at least once and a new durable starts from the ROOM stream's first event: an
impromptu Space (unknown here) or one marked started already appends nothing."""

from __future__ import annotations

from parley.chassis.event_store import EventMetadata, StoredEvent
from parley.chassis.policies import Policy
from parley.contracts.events.room import SpaceStarted
from parley.scheduling.domain.schedule import MarkStarted
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.schedules import disarm_timers, run_schedule
from parley.scheduling.queries.scheduled_spaces import host_of


def mark_started_when_space_started(deps: SchedulingDeps) -> Policy[SpaceStarted]:
    async def react(started: SpaceStarted, stored: StoredEvent) -> None:
        host_id = await host_of(deps.sessions, started.space_id)
        if host_id is None:
            return  # an impromptu Space: not scheduling's
        metadata = EventMetadata(
            correlation_id=stored.envelope.correlation_id,
            causation_id=stored.envelope.event_id,
            trace_context=stored.envelope.trace_context,
        )
        command = MarkStarted(space_id=started.space_id, started_at=started.started_at)
        outcome = await run_schedule(deps, host_id, command, metadata)
        if outcome.new_events:
            await disarm_timers(deps, started.space_id)

    return Policy(
        "scheduling_mark_started_when_space_started",
        SpaceStarted,
        react,
        description="Records that room started a scheduled Space and disarms its timers",
    )
