"""A user's inbox: newest first, paged by cursor, with the unread count and the read mark.

Read state is one mark per user (``room_notification_reads``: everything at or below a
stream sequence is read), kept outside the projection so a rebuild keeps it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.errors import InvalidInput
from parley.contracts.api.room import Notification, NotificationKind, NotificationPage
from parley.room.clock import utc
from parley.room.projections.tables import notification_reads, notifications, users
from parley.room.queries.notification_texts import describe


def to_notification(row: Mapping[Any, Any], actor_handle: str | None, read: bool) -> Notification:
    kind = cast(NotificationKind, row["kind"])
    data = {str(key): str(value) for key, value in dict(row["data"] or {}).items()}
    return Notification(
        id=row["id"],
        kind=kind,
        space_id=row["space_id"],
        actor_id=row["actor_id"],
        actor_handle=actor_handle,
        text=describe(kind, actor_handle, data),
        data=data,
        created_at=utc(row["created_at"]),
        read=read,
    )


def _cursor(seq: int, notification_id: str) -> str:
    return base64.urlsafe_b64encode(f"{seq}:{notification_id}".encode()).decode()


def _parse_cursor(cursor: str) -> tuple[int, str]:
    try:
        seq, notification_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        return int(seq), notification_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("the cursor is not one this list gave", type="invalid-cursor") from None


async def read_mark(session: AsyncSession, user_id: str) -> int:
    mark = await session.scalar(
        select(notification_reads.c.read_through_seq).where(notification_reads.c.user_id == user_id)
    )
    return int(mark or 0)


async def unread_count(session: AsyncSession, user_id: str, mark: int) -> int:
    count = await session.scalar(
        select(func.count()).where(
            notifications.c.recipient_id == user_id, notifications.c.seq > mark
        )
    )
    return int(count or 0)


async def notification_page(
    session: AsyncSession, user_id: str, *, limit: int, cursor: str | None = None
) -> NotificationPage:
    mark = await read_mark(session, user_id)
    query = (
        select(notifications, users.c.handle.label("actor_handle"))
        .outerjoin(users, users.c.user_id == notifications.c.actor_id)
        .where(notifications.c.recipient_id == user_id)
        .order_by(notifications.c.seq.desc(), notifications.c.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        seq, after_id = _parse_cursor(cursor)
        query = query.where(
            or_(
                notifications.c.seq < seq,
                and_(notifications.c.seq == seq, notifications.c.id < after_id),
            )
        )
    rows = (await session.execute(query)).mappings().all()
    items = [to_notification(row, row["actor_handle"], row["seq"] <= mark) for row in rows[:limit]]
    last = rows[limit - 1] if len(rows) > limit else None
    return NotificationPage(
        items=items,
        next_cursor=_cursor(last["seq"], last["id"]) if last is not None else None,
        unread=await unread_count(session, user_id, mark),
    )
