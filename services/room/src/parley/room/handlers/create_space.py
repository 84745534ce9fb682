"""create_space: the actor opens a Space and hosts it (``created``, or ``scheduled`` with a
start time) until they start it."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import CreateSpace as CreateSpacePayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import Actor, CreateSpace
from parley.room.domain.errors import Conflict
from parley.room.domain.state import Settings
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import (
    load_space,
    named_user,
    new_space_id,
    run_space,
    view_for,
)
from parley.room.queries.identity import is_suspended
from parley.room.views import Viewer


async def create_space(
    deps: RoomDeps, payload: CreateSpacePayload, ctx: RequestContext
) -> SpaceView:
    host_id = named_user(require_actor(ctx, "create a Space"))
    async with deps.sessions() as session:
        host = Actor(host_id, suspended=await is_suspended(session, host_id))
    command = CreateSpace(
        space_id=new_space_id(ctx.command_id),
        host=host,
        title=payload.title,
        description=payload.description,
        topics=tuple(payload.topics),
        settings=Settings(
            speak_policy=payload.speak_policy,
            recording=payload.recording,
            clipping=payload.clipping,
            captions=payload.captions,
            max_listeners=payload.max_listeners,
        ),
        now=deps.clock(),
    )
    try:
        outcome = await run_space(deps, command.space_id, command, ctx.event_metadata())
    except Conflict as clash:
        if clash.slug != "space-exists":
            raise
        return await _made_before(deps, command.space_id, host_id)
    return await view_for(deps, outcome.state, outcome.version, Viewer(host_id))


async def _made_before(deps: RoomDeps, space_id: str, host_id: str) -> SpaceView:
    """The Space this very command made on an earlier attempt (same command id, same host)."""
    space, version = await load_space(deps, space_id)
    if space.host_id != host_id:  # (the id is made from the caller's own command id)
        raise Conflict("space-exists", "a Space with this id exists")
    return await view_for(deps, space, version, Viewer(host_id))
