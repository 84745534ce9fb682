"""request_to_speak: a listener asks for the stage, as the Space's "who can speak" allows."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceRef, SpaceView
from parley.room.domain.commands import RequestToSpeak
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def request_to_speak(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> SpaceView:
    return await act(deps, payload.space_id, ctx, RequestToSpeak)
