"""join_space: the actor enters a Space (a listener unless on stage; the host coming back is
reconnected). A join that raced a removal or the end of the Space is undone after the fact."""

from __future__ import annotations

from typing import Literal

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.event_store import EventMetadata
from parley.contracts.api.room import JoinResult, SpaceRef
from parley.room.domain.commands import Join, Leave, SetHostPresence
from parley.room.domain.errors import NotAllowed, space_ended
from parley.room.domain.state import Space
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import (
    actor_facts,
    listeners_in,
    load_space,
    named_user,
    run_membership,
    run_space,
    view_for,
)
from parley.room.views import Viewer


async def join_space(deps: RoomDeps, payload: SpaceRef, ctx: RequestContext) -> JoinResult:
    actor_id = named_user(require_actor(ctx, "join a Space"))
    space, _ = await load_space(deps, payload.space_id)
    joiner = await actor_facts(deps, space, actor_id, keep=False)
    listener_count = await _listeners_if_capped(deps, space)
    metadata = ctx.event_metadata()
    join = Join(joiner=joiner, space=space, listener_count=listener_count)
    await run_membership(deps, space.space_id, actor_id, join, metadata)
    if space.is_host(actor_id):
        back = SetHostPresence(joiner, connected=True, now=deps.clock(), grace_s=deps.host_grace_s)
        await run_space(deps, space.space_id, back, metadata)
    space, version = await _undo_if_refused_meanwhile(deps, space.space_id, actor_id, metadata)
    view = await view_for(deps, space, version, Viewer(actor_id, joined=True))
    return JoinResult(role=view.my_role, space=view)


async def _listeners_if_capped(deps: RoomDeps, space: Space) -> int:
    if space.settings.max_listeners is None:
        return 0  # nothing to compare with: spare the query
    return await listeners_in(deps, space.space_id)


async def _undo_if_refused_meanwhile(
    deps: RoomDeps, space_id: str, user_id: str, metadata: EventMetadata
) -> tuple[Space, int]:
    """The Space may have ended, or removed the joiner, between loading it and the join's
    append: those commands could not see the join, this check sees them. Between the two, no
    membership outlives a removal or the end of the Space."""
    space, version = await load_space(deps, space_id)
    if space.ended:
        await _leave(deps, space_id, user_id, "space_ended", metadata)
        raise space_ended()
    if space.is_removed(user_id):
        await _leave(deps, space_id, user_id, "removed", metadata)
        raise NotAllowed("removed-from-space", "removed from this Space: no rejoining")
    return space, version


async def _leave(
    deps: RoomDeps,
    space_id: str,
    user_id: str,
    reason: Literal["removed", "space_ended"],
    metadata: EventMetadata,
) -> None:
    await run_membership(deps, space_id, user_id, Leave(space_id, user_id, reason), metadata)
