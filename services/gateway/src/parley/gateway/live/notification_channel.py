"""One socket on ``GET /api/v1/notifications/live``: the caller's notifications as they happen.

Subscribe to ``live.user.<id>`` first, then send the inbox's first page as
``notifications.state`` (``NotificationPage``: items, next_cursor, unread), then relay every
``notification`` message verbatim. Signed-in callers only.
"""

from __future__ import annotations

from typing import Any

from litestar import WebSocket

from parley.chassis.bus import BusClient, RequestContext
from parley.contracts.api import room
from parley.contracts.live import user_subject
from parley.gateway.auth import Caller
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.messages import LiveEvent, snapshot
from parley.gateway.live.outbox import Closing, Outbox
from parley.gateway.live.pump import pump
from parley.gateway.live.space_channel import ChannelSettings

FIRST_PAGE = 20


class NotificationChannel:
    def __init__(
        self,
        *,
        caller: Caller,
        ctx: RequestContext,
        hub: LiveHub,
        bus: BusClient,
        settings: ChannelSettings,
    ) -> None:
        self.caller = caller
        self.outbox = Outbox(settings.send_queue)
        self._ctx = ctx
        self._hub = hub
        self._bus = bus
        self._settings = settings

    async def run(self, socket: WebSocket[Any, Any, Any]) -> Closing | None:
        async with self._hub.listening(user_subject(self.caller.user_id), self._on_user):
            first_page = room.ListNotifications(limit=FIRST_PAGE, cursor=None)
            page = await self._bus.call(room.LIST_NOTIFICATIONS, first_page, self._ctx)
            self.outbox.put_first(snapshot("notifications.state", None, page))
            closing = await pump(
                socket, self.outbox, send_timeout_s=self._settings.send_timeout_s, space_id=None
            )
        return closing

    def _on_user(self, event: LiveEvent) -> None:
        if event.type == "notification":
            self.outbox.put(event)
