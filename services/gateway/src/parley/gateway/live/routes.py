"""The live channels (WebSocket routes) and the tickets that open them from a browser.

Each channel's path also answers a plain HTTP ``GET`` with 426 Upgrade Required: that handler
documents the channel in the OpenAPI document (which has no notion of WebSockets) and tells a
client that forgot to upgrade what went wrong.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Controller, WebSocket, get, post, websocket
from litestar.di import NamedDependency
from litestar.params import FromPath, PathParameter, QueryParameter

from parley.gateway.dependencies import CallerDep, TicketsDep
from parley.gateway.guards import requires_login
from parley.gateway.live.channels import LiveChannels
from parley.gateway.problems import Problem, problem_responses
from parley.gateway.security import OPTIONAL_TOKEN_SECURITY, TOKEN_SECURITY
from parley.gateway.ws_tickets import WsTicket

SPACE_LIVE_PATH = "/api/v1/spaces/{space_id:str}/live"
NOTIFICATIONS_LIVE_PATH = "/api/v1/notifications/live"

Ticket: TypeAlias = Annotated[
    str | None,
    QueryParameter(
        description="A ticket from createWsTicket, for clients that cannot send the "
        "token (browsers on another origin); instead of the Authorization header or the cookie"
    ),
]
SpaceId: TypeAlias = Annotated[str, PathParameter(max_length=100, description="The Space's id")]
LiveDep: TypeAlias = NamedDependency[LiveChannels]

_CLOSE_CODES = """
Close codes: 1000 the Space ended (after `space.ended`); 4003 removed from this Space (after
`you.removed`, or at once when a removed user connects); 4401 no, bad, expired or used
credentials (the reason is the problem slug, e.g. `invalid-token`, `ticket-expired`), also when
the account is suspended while connected (reason `account-suspended`); 4403 not
allowed; 4404 unknown Space; 1013 try again later (the client fell too far behind, or room did
not answer); 1011 internal error.

Keepalive: the server pings every 20 s; clients that cannot answer protocol pings may send
`{"type": "ping"}` and get `{"type": "pong"}`. Under backpressure, reaction batches, listener
counts, speaking indicators and partial captions are dropped first (each is superseded by the
next); a client further behind is closed with 1013 and should reconnect (it gets a fresh
snapshot).
"""

SPACE_LIVE_DESCRIPTION = (
    """**WebSocket** (open it with an Upgrade; a plain GET answers 426). Everything a client
shows live in the Space, as JSON messages `{type, space_id, at, data}`.

The first message is `space.state` whose `data` is the Space as the caller sees it (getSpace's
answer); then, as they happen: `stage.changed`, `speaker.request`, `mic.changed`, `speaking`,
`listeners.count`, `reactions` (batches), `pins.changed`, `space.updated`, `captions.partial`,
`captions.final`, `space.ended`; and for the caller only: `you.removed`,
`blocked.speaker.warning`, `notification`. State-bearing messages carry the whole state of their
part and a `version`: ignore one whose version is not newer than what you have.

Authenticate with the Authorization header, the login cookie or `?ticket=`. Signed-out viewers
may watch (no per-user messages). The host's socket also tells the Space the host is connected.
"""
    + _CLOSE_CODES
)

NOTIFICATIONS_LIVE_DESCRIPTION = (
    """**WebSocket** (open it with an Upgrade; a plain GET answers 426). The caller's
notifications as they happen.

The first message is `notifications.state` whose `data` is the inbox's first page
(listNotifications' answer: `items`, `next_cursor`, `unread`); then one `notification` message
(`data`: a notification) each time one arrives. Signed-in callers only: the Authorization
header, the login cookie or `?ticket=`.
"""
    + _CLOSE_CODES
)

# A plain GET is always a 426; a Space id longer than the path parameter allows is a 422 first.
_SPACE_UPGRADE = problem_responses(422, 426)
_UPGRADE = problem_responses(426)


class LiveController(Controller):
    tags = ["live"]

    @websocket(SPACE_LIVE_PATH)
    async def space_live(
        self, socket: WebSocket[Any, Any, Any], space_id: FromPath[str], live: LiveDep
    ) -> None:
        """The Space's live channel."""
        await live.serve_space(socket, space_id)

    @websocket(NOTIFICATIONS_LIVE_PATH)
    async def notifications_live(self, socket: WebSocket[Any, Any, Any], live: LiveDep) -> None:
        """The caller's notifications channel."""
        await live.serve_notifications(socket)

    @get(
        SPACE_LIVE_PATH,
        operation_id="connectSpaceLive",
        status_code=101,
        response_description="Switching Protocols: the live channel is open",
        summary="Live channel of a Space (WebSocket)",
        description=SPACE_LIVE_DESCRIPTION,
        responses=_SPACE_UPGRADE,
        security=OPTIONAL_TOKEN_SECURITY,  # signed-out viewers may watch
    )
    async def describe_space_live(self, space_id: SpaceId, ticket: Ticket = None) -> None:
        raise _upgrade_required()

    @get(
        NOTIFICATIONS_LIVE_PATH,
        operation_id="connectNotificationsLive",
        status_code=101,
        response_description="Switching Protocols: the live channel is open",
        summary="The caller's notifications, live (WebSocket)",
        description=NOTIFICATIONS_LIVE_DESCRIPTION,
        responses=_UPGRADE,
        security=TOKEN_SECURITY,
    )
    async def describe_notifications_live(self, ticket: Ticket = None) -> None:
        raise _upgrade_required()


class TicketsController(Controller):
    path = "/api/v1/ws-tickets"
    tags = ["live"]
    guards = [requires_login]

    @post(
        operation_id="createWsTicket",
        status_code=201,
        response_description="A ticket for ?ticket= on a live channel",
        responses=problem_responses(401),
    )
    async def create_ticket(self, caller: CallerDep, tickets: TicketsDep) -> WsTicket:
        """A short-lived (30 s), single-use ticket that authenticates the caller when opening a
        live channel (`?ticket=`), for clients that cannot send the token on a WebSocket."""
        return tickets.issue(caller)


def _upgrade_required() -> Problem:
    return Problem(
        426,
        "upgrade-required",
        "Upgrade required",
        "this is a WebSocket: open it with 'Connection: Upgrade' and 'Upgrade: websocket'",
        headers={"Upgrade": "websocket"},
    )
