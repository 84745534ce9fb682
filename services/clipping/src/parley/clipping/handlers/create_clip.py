"""``cmd.clipping.create_clip``: decided at once on the facts clipping keeps of the Space
(room's and recording's events), then cut in the background (``cut_clip.py``, on the
``ClipRequested`` it appends): the answer is the clip's id, ``pending``.

The clip's id comes from the command's id, so a re-run of the same command (a replica died
after appending) finds the clip it made instead of making a second one."""

from __future__ import annotations

import hashlib
import secrets

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.decider import execute
from parley.clipping.domain.clip import RequestClip
from parley.clipping.handlers.dependencies import ClippingDeps, clip_decider
from parley.clipping.projections.clips import ClipsProjection
from parley.clipping.queries.clips import space_facts
from parley.contracts.api.clipping import ClipCreated, CreateClip


def new_clip_id(command_id: str | None) -> str:
    if command_id is None:
        return f"clp_{secrets.token_hex(10)}"
    return f"clp_{hashlib.sha256(command_id.encode()).hexdigest()[:20]}"


async def create_clip(deps: ClippingDeps, payload: CreateClip, ctx: RequestContext) -> ClipCreated:
    actor = require_actor(ctx, "clip a Space")
    clip_id = new_clip_id(ctx.command_id)
    command = RequestClip(
        clip_id=clip_id,
        actor=actor,
        start_s=payload.start_s,
        requested_at_ns=deps.clock_ns(),
        space=await space_facts(deps.sessions, payload.space_id, actor),
    )
    outcome = await execute(
        deps.store, clip_decider, clip_id, command, ctx.event_metadata(), cache=deps.cache
    )
    await deps.positions.wait(ClipsProjection.name, outcome.version, timeout=0.5)
    return ClipCreated(clip_id=clip_id, state="pending")
