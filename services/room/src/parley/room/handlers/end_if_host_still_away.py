"""The host-grace timer fires: the Space ends unless the host came back (or the deadline moved
on). Safe to run late, twice, or in several replicas at once: it ends the Space once at most."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from parley.chassis.event_store import EventMetadata
from parley.room.domain.commands import EndIfHostStillAway
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import run_space


async def end_if_host_still_away(deps: RoomDeps, space_id: str, deadline: datetime) -> bool:
    """True when this call ended the Space."""
    metadata = EventMetadata(correlation_id=f"cor_{uuid4().hex}", causation_id="host-grace-timer")
    command = EndIfHostStillAway(deadline=deadline, now=deps.clock())
    outcome = await run_space(deps, space_id, command, metadata)
    return bool(outcome.new_events)
