"""One socket on ``GET /api/v1/notifications/live``: the caller's notifications as they happen.

Subscribe to ``live.user.<id>`` first, then send the inbox's first page as
``notifications.state`` (``NotificationPage``: items, next_cursor, unread), then relay every
``notification`` message verbatim. Signed-in callers only.
"""

from __future__ import annotations

from typing import Any

from litestar import WebSocket

from parley.chassis.bus import RequestContext
from parley.contracts.live import user_subject
from parley.gateway.auth import Caller
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.messages import LiveEvent, snapshot
from parley.gateway.live.outbox import Closing, Outbox
from parley.gateway.live.pump import pump
from parley.gateway.live.space_channel import ChannelSettings
from parley.gateway.room_client import RoomClient

FIRST_PAGE = 20


class NotificationChannel:
    def __init__(
        self,
        *,
        caller: Caller,
        ctx: RequestContext,
        hub: LiveHub,
        room: RoomClient,
        settings: ChannelSettings,
    ) -> None:
        self.caller = caller
        self.outbox = Outbox(settings.send_queue)
        self._ctx = ctx
        self._hub = hub
        self._room = room
        self._settings = settings

    async def run(self, socket: WebSocket[Any, Any, Any]) -> Closing | None:
        async with self._hub.listening(user_subject(self.caller.user_id), self._on_user):
            page = await self._room.list_notifications(FIRST_PAGE, None, self._ctx)
            self.outbox.put_first(snapshot("notifications.state", None, page))
            closing = await pump(
                socket, self.outbox, send_timeout_s=self._settings.send_timeout_s, space_id=None
            )
        return closing

    def _on_user(self, event: LiveEvent) -> None:
        if event.type == "notification":
            self.outbox.put(event)
