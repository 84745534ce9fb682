"""unpin_post: the host or a co-host unpins any post; others only their own."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceView
from parley.contracts.api.room import UnpinPost as UnpinPostPayload
from parley.room.domain.commands import UnpinPost
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def unpin_post(deps: RoomDeps, payload: UnpinPostPayload, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, lambda actor: UnpinPost(actor, payload.pin_id))
