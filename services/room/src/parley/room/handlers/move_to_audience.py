"""move_to_audience: the host or a co-host moves someone off the stage; naming yourself is
stepping down."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceUser, SpaceView
from parley.room.domain.commands import MoveToAudience
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act, named_user


async def move_to_audience(deps: RoomDeps, payload: SpaceUser, ctx: RequestContext) -> SpaceView:
    user_id = named_user(payload.user_id)
    return await act(deps, payload.space_id, ctx, lambda actor: MoveToAudience(actor, user_id))
