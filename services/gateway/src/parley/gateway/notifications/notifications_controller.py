"""The caller's in-app notifications (live ones come over ``/api/v1/notifications/live``)."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar import Controller, get
from litestar.params import QueryParameter

from parley.contracts.api.room import NotificationPage
from parley.gateway.auth import requires_login
from parley.gateway.dependencies import ContextDep, RoomDep
from parley.gateway.problems import problem_responses
from parley.gateway.security import TOKEN_SECURITY

PageSize: TypeAlias = Annotated[int, QueryParameter(ge=1, le=200, description="Page size")]
Cursor: TypeAlias = Annotated[
    str | None, QueryParameter(max_length=200, description="next_cursor of the previous page")
]


class NotificationsController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]
    guards = [requires_login]
    security = TOKEN_SECURITY

    @get(operation_id="listNotifications", responses=problem_responses(401, 422, 503))
    async def list_notifications(
        self, room: RoomDep, ctx: ContextDep, limit: PageSize = 50, cursor: Cursor = None
    ) -> NotificationPage:
        """The caller's notifications, newest first, a page at a time, with the unread count."""
        return await room.list_notifications(limit, cursor, ctx)
