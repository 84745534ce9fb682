"""One socket on ``GET /api/v1/spaces/{space_id}/live``: everything a client shows live.

1. Subscribe first — ``live.space.<id>`` and, for a signed-in caller, ``live.user.<id>`` — so
   nothing published while the snapshot is fetched is missed;
2. fetch the Space as the caller sees it and send it as ``space.state`` (messages buffered
   meanwhile that it already includes, by ``version``, are dropped);
3. relay every message verbatim. From the caller's own subject only what concerns this Space
   (or no Space) is relayed, plus every ``notification``;
4. close after ``space.ended`` (1000) or the caller's ``you.removed`` (4003). A removed caller
   coming back is closed with 4003 and gets no state.

The host's socket also tells room the host is connected (:mod:`parley.gateway.live.presence`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from litestar import WebSocket

from parley.chassis.bus import RequestContext
from parley.contracts.live import space_subject, user_subject
from parley.gateway.auth import Caller
from parley.gateway.live import close_codes
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.messages import LiveEvent, snapshot
from parley.gateway.live.outbox import Closing, Outbox
from parley.gateway.live.presence import HostPresence
from parley.gateway.live.pump import pump
from parley.gateway.spaces.speaking import SpaceViews

SPACE_ENDED = Closing(close_codes.NORMAL, "space-ended")
REMOVED = Closing(close_codes.REMOVED, "removed")
_OVER = ("ended", "canceled")
_HOSTED = ("created", "live")  # when room keeps the host's seat


@dataclass(frozen=True)
class ChannelSettings:
    send_queue: int
    send_timeout_s: float


class SpaceChannel:
    def __init__(
        self,
        *,
        space_id: str,
        caller: Caller | None,
        ctx: RequestContext,
        hub: LiveHub,
        views: SpaceViews,
        presence: HostPresence,
        settings: ChannelSettings,
    ) -> None:
        self.space_id = space_id
        self.caller = caller
        self.outbox = Outbox(settings.send_queue)
        self._ctx = ctx
        self._hub = hub
        self._views = views
        self._presence = presence
        self._settings = settings

    async def run(self, socket: WebSocket[Any, Any, Any]) -> Closing | None:
        """Serve the socket until the channel ends; how to close it (``None``: the client
        left)."""
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(
                self._hub.listening(space_subject(self.space_id), self._on_space)
            )
            if self.caller is not None:
                await stack.enter_async_context(
                    self._hub.listening(user_subject(self.caller.user_id), self._on_user)
                )
            view = await self._views.as_seen(self.space_id, self._ctx)
            if view.my_role == "removed":
                return REMOVED
            self.outbox.put_first(snapshot("space.state", self.space_id, view))
            if view.state in _OVER:
                self.outbox.finish(SPACE_ENDED)
            elif view.state in _HOSTED and self._is_host(view.host.user_id):
                await stack.enter_async_context(self._presence.hosting(self.space_id, self._ctx))
            closing = await pump(
                socket,
                self.outbox,
                send_timeout_s=self._settings.send_timeout_s,
                space_id=self.space_id,
            )
        return closing

    def _is_host(self, host_id: str) -> bool:
        return self.caller is not None and self.caller.user_id == host_id

    def _on_space(self, event: LiveEvent) -> None:
        if event.type == "space.ended":
            self.outbox.put(event, then_close=SPACE_ENDED)
        else:
            self.outbox.put(event)

    def _on_user(self, event: LiveEvent) -> None:
        if event.type == "notification":
            self.outbox.put(event)
        elif event.type == "you.removed":
            if event.space_id == self.space_id:
                self.outbox.put(event, then_close=REMOVED)
        elif event.space_id in (None, self.space_id):
            self.outbox.put(event)
