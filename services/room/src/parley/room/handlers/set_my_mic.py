"""set_my_mic: a stage member mutes or unmutes themselves (listeners have no mic)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SetMyMic as SetMyMicPayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import SetMyMic
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def set_my_mic(deps: RoomDeps, payload: SetMyMicPayload, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, lambda actor: SetMyMic(actor, payload.muted))
