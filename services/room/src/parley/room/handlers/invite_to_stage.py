"""invite_to_stage: the host or a co-host invites a listener, or an account not in the Space
yet, to speak; only the host invites co-hosts."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import InviteToStage as InviteToStagePayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import InviteToStage
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act_on


async def invite_to_stage(
    deps: RoomDeps, payload: InviteToStagePayload, ctx: RequestContext
) -> SpaceView:
    view, _ = await act_on(
        deps,
        payload.space_id,
        payload.user_id,
        ctx,
        lambda actor, target: InviteToStage(actor, target, payload.role),
    )
    return view
