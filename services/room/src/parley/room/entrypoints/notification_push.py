"""The live push: each new notification as a LiveMessage ``notification`` on
``live.user.<recipient>``, after its rows committed.

The projection hands over what one event created; this task publishes it in order. Only fresh
events are pushed, and each event once: a projection catching up or being rebuilt fills the
inbox without replaying old notifications to everyone's screen.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from parley.chassis.logs import get_logger
from parley.contracts.live import LiveMessage
from parley.room.clock import utc_now
from parley.room.entrypoints.live_channel import LiveChannel
from parley.room.projections.notifications import NewNotifications
from parley.room.queries.identity import handle_of
from parley.room.queries.notifications import to_notification

log = get_logger(__name__)

_REMEMBERED_EVENTS = 10_000


class NotificationPusher:
    def __init__(
        self,
        channel: LiveChannel,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_age_s: float,
    ) -> None:
        self._channel = channel
        self._sessions = sessions
        self._max_age = timedelta(seconds=max_age_s)
        self._queue: asyncio.Queue[NewNotifications] = asyncio.Queue()
        self._pushed: OrderedDict[str, None] = OrderedDict()  # recent event ids, oldest first

    def created(self, batch: NewNotifications) -> None:
        """Called after the projection's commit (synchronously, so only enqueue)."""
        # One event may notify different people of different things (a scheduled Space going
        # live: its reminded users, the host's other followers): once per event and kind.
        key = f"{batch.event_id}:{batch.kind}"
        if utc_now() - batch.created_at > self._max_age or key in self._pushed:
            return
        self._pushed[key] = None
        if len(self._pushed) > _REMEMBERED_EVENTS:
            self._pushed.popitem(last=False)
        self._queue.put_nowait(batch)

    async def run(self) -> None:
        while True:
            batch = await self._queue.get()
            try:
                await self._push(batch)
            except Exception:  # a lost live push is healed by the inbox: keep going
                log.exception("notifications.push_failed", event_id=batch.event_id)

    async def _push(self, batch: NewNotifications) -> None:
        handle = None
        if batch.actor_id is not None:
            async with self._sessions() as session:
                handle = await handle_of(session, batch.actor_id)
        for row in batch.rows():
            notification = to_notification(row, handle, False)
            message = LiveMessage(
                type="notification",
                space_id=batch.space_id,
                data=notification.model_dump(mode="json"),
            )
            await self._channel.to_user(str(row["recipient_id"]), message)
