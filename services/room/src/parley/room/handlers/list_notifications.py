"""list_notifications: the actor's inbox, newest first, a page at a time."""

from __future__ import annotations

from parley.chassis.bus import RequestContext, require_actor
from parley.contracts.api.room import ListNotifications, NotificationPage
from parley.room.handlers.dependencies import RoomDeps
from parley.room.queries.notifications import notification_page


async def list_notifications(
    deps: RoomDeps, payload: ListNotifications, ctx: RequestContext
) -> NotificationPage:
    actor_id = require_actor(ctx, "see your notifications")
    async with deps.sessions() as session:
        return await notification_page(
            session, actor_id, limit=payload.limit, cursor=payload.cursor
        )
