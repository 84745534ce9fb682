"""ping: an authenticated no-op. It reads no database and no stream, so a request to it costs
only what every request pays (gateway, token, bus, the chassis' route): the floor the room
benchmarks measure joins and reads against."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.identity import Empty, Pong
from parley.identity.handlers.dependencies import IdentityDeps


async def ping(deps: IdentityDeps, payload: Empty, ctx: RequestContext) -> Pong:
    return Pong(user_id=require_actor(ctx, "ping"))
