"""pin_post: a stage member pins a post (a URL with optional text); three at most."""

from __future__ import annotations

from uuid import uuid4

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import PinPost as PinPostPayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import PinPost
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def pin_post(deps: RoomDeps, payload: PinPostPayload, ctx: RequestContext) -> SpaceView:
    pin_id = f"pin_{uuid4().hex[:12]}"  # one per request: a retried decision pins it once
    return await act(
        deps,
        payload.space_id,
        ctx,
        lambda actor: PinPost(actor, pin_id=pin_id, url=payload.url, text=payload.text),
    )
