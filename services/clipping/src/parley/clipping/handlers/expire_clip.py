"""A clip's expiry timer came due: ``ClipExpired``, then its object goes.

At least once and against the current state: a firing for a clip already gone, or for another
time than the clip's (stale), appends nothing; the object is deleted whenever the clip is
expired (a re-run finishes a delete interrupted after the event)."""

from __future__ import annotations

from parley.chassis.decider import execute
from parley.chassis.event_store import EventMetadata
from parley.chassis.timers import FiredTimer
from parley.clipping.domain.clip import Expire
from parley.clipping.handlers.cut_clip import clip_object_name
from parley.clipping.handlers.dependencies import ClippingDeps, clip_decider


async def expire_clip(deps: ClippingDeps, fired: FiredTimer) -> None:
    clip_id = fired.timer_id
    metadata = EventMetadata(correlation_id=f"timer-{clip_id}")
    outcome = await execute(
        deps.store, clip_decider, clip_id, Expire(clip_id, fired.due_at), metadata, cache=deps.cache
    )
    if outcome.state.phase == "expired":
        await deps.objects.delete_clip(clip_object_name(clip_id))
