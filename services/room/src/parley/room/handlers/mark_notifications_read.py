"""mark_notifications_read: the actor's notifications are read, all of them or up to and
including one. The read mark (``room_notification_reads``, a stream sequence per user) only
moves forward, and lives outside the projection, so a rebuild keeps it."""

from __future__ import annotations

from sqlalchemy import func, select

from parley.chassis.bus import RequestContext, require_actor
from parley.chassis.errors import NotFound
from parley.contracts.api.room import MarkNotificationsRead, NotificationsRead
from parley.room.handlers.dependencies import RoomDeps
from parley.room.projections.tables import notification_reads, notifications
from parley.room.projections.upserts import put
from parley.room.queries.notifications import read_mark, unread_count


async def mark_notifications_read(
    deps: RoomDeps, payload: MarkNotificationsRead, ctx: RequestContext
) -> NotificationsRead:
    actor_id = require_actor(ctx, "see your notifications")
    newest = select(func.max(notifications.c.seq)).where(notifications.c.recipient_id == actor_id)
    if payload.up_to_id is not None:
        newest = select(notifications.c.seq).where(
            notifications.c.recipient_id == actor_id, notifications.c.id == payload.up_to_id
        )
    async with deps.sessions.begin() as session:
        seq = await session.scalar(newest)
        if seq is None and payload.up_to_id is not None:
            raise NotFound("no such notification", type="notification-not-found")
        mark = max(await read_mark(session, actor_id), int(seq or 0))
        await put(session, notification_reads, {"user_id": actor_id}, {"read_through_seq": mark})
        return NotificationsRead(unread=await unread_count(session, actor_id, mark))
