"""list_listeners: a page of a Space's audience (everyone present, not on stage), people the
caller follows first, and the audience's size: what the Space's ``listener_count`` says."""

from __future__ import annotations

from parley.chassis.bus import RequestContext
from parley.contracts.api.room import ListenerPage, ListListeners
from parley.room.domain.rules import is_valid_id
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.spaces import load_space
from parley.room.queries.listeners import listener_page
from parley.room.queries.participants import listener_count


async def list_listeners(
    deps: RoomDeps, payload: ListListeners, ctx: RequestContext
) -> ListenerPage:
    space, _ = await load_space(deps, payload.space_id)
    caller = ctx.actor if ctx.actor and is_valid_id(ctx.actor) else None
    async with deps.sessions() as session:
        items, next_cursor = await listener_page(
            session, space.space_id, caller, limit=payload.limit, cursor=payload.cursor
        )
        count = await listener_count(session, space.space_id)
    return ListenerPage(items=items, next_cursor=next_cursor, count=count)
