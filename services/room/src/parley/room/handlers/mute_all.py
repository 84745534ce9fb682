"""mute_all: the host or a co-host mutes every co-host and speaker but themselves."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import MuteAll
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def mute_all(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, MuteAll)
