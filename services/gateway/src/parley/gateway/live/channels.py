"""Opening and closing live channels: the part every live socket shares.

The handshake is always accepted; refusals are close codes with the problem slug as reason
(:mod:`parley.gateway.live.close_codes`), which browsers can read. Credentials: the
``Authorization: Bearer`` header, else ``?ticket=`` (:mod:`parley.gateway.ws_tickets`), else
the ``parley_token`` cookie. Bad credentials are refused (4401), never treated as anonymous.
A user suspended while connected has every socket closed at once with the same 4401 and reason
``account-suspended`` as a suspended user's new socket (:meth:`LiveChannels.close_sockets_of`,
called by the suspension set).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from litestar import WebSocket

from parley.chassis.bus import NOT_SIGNED_IN, BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.logs import get_logger
from parley.gateway.auth import Authenticator, Caller
from parley.gateway.live import close_codes
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.notification_channel import NotificationChannel
from parley.gateway.live.outbox import Closing, Outbox
from parley.gateway.live.presence import HostPresence
from parley.gateway.live.pump import GONE, close
from parley.gateway.live.space_channel import ChannelSettings, SpaceChannel
from parley.gateway.problems import Problem
from parley.gateway.request_ids import request_id_of
from parley.gateway.spaces.speaking import SpaceViews
from parley.gateway.ws_tickets import WsTickets

log = get_logger(__name__)

NOT_AUTHENTICATED = Closing(close_codes.NOT_AUTHENTICATED, NOT_SIGNED_IN)
# The same code and reason as a suspended user's socket refused when it opens.
SUSPENDED = Closing(close_codes.NOT_AUTHENTICATED, "account-suspended")
_MAX_REASON_BYTES = 123  # what fits in a close frame


class _Channel(Protocol):
    outbox: Outbox

    async def run(self, socket: WebSocket[Any, Any, Any]) -> Closing | None: ...


ChannelFactory = Callable[[Caller | None, RequestContext], _Channel]


@dataclass
class LiveChannels:
    hub: LiveHub
    bus: BusClient
    views: SpaceViews
    presence: HostPresence
    tickets: WsTickets
    authenticator: Authenticator
    settings: ChannelSettings
    allow_anonymous: bool
    _open: dict[str, set[Outbox]] = field(default_factory=dict, init=False, repr=False)

    async def serve_space(self, socket: WebSocket[Any, Any, Any], space_id: str) -> None:
        def channel(caller: Caller | None, ctx: RequestContext) -> SpaceChannel:
            return SpaceChannel(
                space_id=space_id,
                caller=caller,
                ctx=ctx,
                hub=self.hub,
                views=self.views,
                presence=self.presence,
                settings=self.settings,
            )

        await self._serve(socket, channel, anonymous_ok=self.allow_anonymous, space_id=space_id)

    async def serve_notifications(self, socket: WebSocket[Any, Any, Any]) -> None:
        def channel(caller: Caller | None, ctx: RequestContext) -> NotificationChannel:
            assert caller is not None  # anonymous callers were refused
            return NotificationChannel(
                caller=caller, ctx=ctx, hub=self.hub, bus=self.bus, settings=self.settings
            )

        await self._serve(socket, channel, anonymous_ok=False, space_id=None)

    def close_sockets_of(self, user_id: str) -> None:
        """Close every live socket ``user_id`` has open on this gateway, at once (they were
        suspended: their credentials no longer authenticate anyone)."""
        outboxes = self._open.get(user_id, set())
        for outbox in outboxes:
            outbox.close_now(SUSPENDED)
        if outboxes:
            log.info("live.suspended_user_closed", user_id=user_id, sockets=len(outboxes))

    def open_sockets(self, user_id: str) -> int:
        return len(self._open.get(user_id, ()))

    def authenticate(self, socket: WebSocket[Any, Any, Any]) -> Caller | None:
        """The caller, ``None`` without credentials; a 401 problem for bad ones."""
        ticket = socket.query_params.get("ticket")
        if ticket is not None and "authorization" not in socket.headers:
            return self.authenticator.admit(self.tickets.redeem(ticket))
        return self.authenticator.authenticate(socket)

    async def _serve(
        self,
        socket: WebSocket[Any, Any, Any],
        make_channel: ChannelFactory,
        *,
        anonymous_ok: bool,
        space_id: str | None,
    ) -> None:
        opened = time.monotonic()
        caller: Caller | None = None
        channel: _Channel | None = None
        try:
            await socket.accept()
        except GONE:
            return
        try:
            caller = self.authenticate(socket)
            if caller is None and not anonymous_ok:
                closing: Closing | None = NOT_AUTHENTICATED
            else:
                channel = make_channel(caller, self._context(socket, caller))
                # No await since authenticate(): a suspension from here on closes this socket.
                with self._held_open(caller, channel.outbox):
                    closing = await channel.run(socket)
        except Problem as problem:  # bad credentials
            closing = Closing(close_codes.for_status(problem.status), problem.slug)
        except DomainError as error:  # room refused (unknown Space, not allowed) or is away
            closing = Closing(close_codes.for_status(error.status), error.type)
        except Exception:
            log.exception("live.channel_failed", path=socket.scope.get("path"))
            closing = Closing(close_codes.INTERNAL_ERROR, "internal-error")
        if closing is not None:
            reason = closing.reason.encode()[:_MAX_REASON_BYTES].decode(errors="ignore")
            await close(socket, Closing(closing.code, reason), self.settings.send_timeout_s)
        log.info(
            "live.closed",
            path=socket.scope.get("path"),
            space_id=space_id,
            user_id=caller.user_id if caller else None,
            request_id=request_id_of(socket.scope),
            code=closing.code if closing else "disconnected",
            reason=closing.reason if closing else None,
            duration_s=round(time.monotonic() - opened, 1),
            peak_queue=channel.outbox.peak if channel else 0,
            dropped=channel.outbox.dropped if channel else 0,
        )

    @contextlib.contextmanager
    def _held_open(self, caller: Caller | None, outbox: Outbox) -> Iterator[None]:
        if caller is None:
            yield
            return
        held = self._open.setdefault(caller.user_id, set())
        held.add(outbox)
        try:
            yield
        finally:
            held.discard(outbox)
            if not held and self._open.get(caller.user_id) is held:
                del self._open[caller.user_id]

    @staticmethod
    def _context(socket: WebSocket[Any, Any, Any], caller: Caller | None) -> RequestContext:
        return RequestContext(
            actor=caller.user_id if caller else None, correlation_id=request_id_of(socket.scope)
        )
