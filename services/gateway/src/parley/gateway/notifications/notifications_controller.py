"""The caller's in-app notifications (live ones come over ``/api/v1/notifications/live``)."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.api import room
from parley.contracts.api.room import (
    ListNotifications,
    MarkNotificationsRead,
    NotificationPage,
    NotificationsRead,
)
from parley.gateway.dependencies import BusDep, ContextDep
from parley.gateway.guards import requires_login
from parley.gateway.problems import problem_responses

PageSize: TypeAlias = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Cursor: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=200, description="next_cursor of the previous page")
]


class MarkReadBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to_id: str | None = Field(
        default=None,
        min_length=1,  # "" names no notification: invalid input, not an unknown one
        max_length=250,
        description="Newest notification read (an id from listNotifications; an unknown one "
        "is 404 notification-not-found); absent or null: all",
    )


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [requires_login]

    @get(operation_id="listNotifications", responses=problem_responses(401, 422, 503))
    async def list_notifications(
        self, bus: BusDep, ctx: ContextDep, limit: PageSize = 50, cursor: Cursor = None
    ) -> NotificationPage:
        """The caller's notifications, newest first, a page at a time, with the unread count."""
        page = ListNotifications(limit=limit, cursor=cursor)
        return await bus.call(room.LIST_NOTIFICATIONS, page, ctx)

    @post(
        "/read",
        operation_id="markNotificationsRead",
        status_code=200,
        responses=problem_responses(401, 404, 413, 422, 503),
    )
    async def mark_read(
        self, bus: BusDep, ctx: ContextDep, data: JSONBody[MarkReadBody | None] = None
    ) -> NotificationsRead:
        """Mark the caller's notifications read: all of them, or up to and including
        `up_to_id`; returns how many are still unread."""
        read = MarkNotificationsRead(up_to_id=data.up_to_id if data is not None else None)
        return await bus.call(room.MARK_NOTIFICATIONS_READ, read, ctx)
