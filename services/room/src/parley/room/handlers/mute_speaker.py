"""mute_speaker: the host or a co-host mutes someone on stage (they may unmute later)."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import SpaceUser, SpaceView
from parley.room.domain.commands import MuteSpeaker
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act, named_user


async def mute_speaker(deps: RoomDeps, payload: SpaceUser, ctx: RequestContext) -> SpaceView:
    user_id = named_user(payload.user_id)
    return await act(deps, payload.space_id, ctx, lambda actor: MuteSpeaker(actor, user_id))
