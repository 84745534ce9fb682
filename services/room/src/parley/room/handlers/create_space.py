"""create_space: the actor opens a Space and hosts it (``created``, or ``scheduled`` with a
start time) until they start it."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import CreateSpace as CreateSpacePayload
from parley.contracts.api.room import SpaceView
from parley.room.domain.commands import Actor, CreateSpace
from parley.room.domain.state import Settings
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import named_user, new_space_id, run_space, view_for
from parley.room.queries.identity import is_suspended
from parley.room.views import Viewer


async def create_space(
    deps: RoomDeps, payload: CreateSpacePayload, ctx: RequestContext
) -> SpaceView:
    host_id = named_user(require_actor(ctx, "create a Space"))
    async with deps.sessions() as session:
        host = Actor(host_id, suspended=await is_suspended(session, host_id))
    command = CreateSpace(
        space_id=new_space_id(),
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
        scheduled_start=_utc(payload.scheduled_start),
        now=deps.clock(),
    )
    outcome = await run_space(deps, command.space_id, command, ctx.event_metadata())
    return await view_for(deps, outcome.state, outcome.version, Viewer(host_id))


def _utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
