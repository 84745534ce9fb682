"""host_presence: the gateway reports the host's connection; a drop starts the grace period
after which the Space ends unless the host is back."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import HostPresence, SpaceView
from parley.room.domain.commands import SetHostPresence
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import act


async def host_presence(deps: RoomDeps, payload: HostPresence, ctx: RequestContext) -> SpaceView:
    return await act(
        deps,
        payload.space_id,
        ctx,
        lambda actor: SetHostPresence(
            actor, payload.connected, now=deps.clock(), grace_s=deps.host_grace_s
        ),
    )
