"""What handlers receive by name: the service clients, the token cookie, the request context."""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Request
from litestar.di import NamedDependency, Provide

from parley.chassis.bus import RequestContext
from parley.gateway.auth import Caller, TokenCookie, caller_of
from parley.gateway.components import components_of
from parley.gateway.identity_client import IdentityClient
from parley.gateway.media_client import MediaClient
from parley.gateway.problems import Problem
from parley.gateway.request_ids import request_id_of
from parley.gateway.room_client import RoomClient
from parley.gateway.ws_tickets import WsTickets


def request_context(request: Request[Any, Any, Any]) -> RequestContext:
    """The acting user (set by the auth guard) and the request id as correlation id."""
    caller = caller_of(request)
    return RequestContext(
        actor=caller.user_id if caller else None, correlation_id=request_id_of(request.scope)
    )


def current_caller(request: Request[Any, Any, Any]) -> Caller:
    """The caller of an endpoint guarded by ``requires_login``."""
    caller = caller_of(request)
    if caller is None:  # a handler without the guard: a bug, not the client's fault
        raise Problem(500, "internal-error", "Internal error", "no authenticated caller")
    return caller


def identity_client(request: Request[Any, Any, Any]) -> IdentityClient:
    return components_of(request.app).identity


def room_client(request: Request[Any, Any, Any]) -> RoomClient:
    return components_of(request.app).room


def media_client(request: Request[Any, Any, Any]) -> MediaClient:
    return components_of(request.app).media


def ws_tickets(request: Request[Any, Any, Any]) -> WsTickets:
    return components_of(request.app).tickets


def token_cookie(request: Request[Any, Any, Any]) -> TokenCookie:
    return components_of(request.app).cookie


DEPENDENCIES = {
    "ctx": Provide(request_context, sync_to_thread=False),
    "identity": Provide(identity_client, sync_to_thread=False),
    "room": Provide(room_client, sync_to_thread=False),
    "media": Provide(media_client, sync_to_thread=False),
    "cookie": Provide(token_cookie, sync_to_thread=False),
    "caller": Provide(current_caller, sync_to_thread=False),
    "tickets": Provide(ws_tickets, sync_to_thread=False),
}

# Handler parameter types: injected by name (Litestar 3 will require the marker).
IdentityDep: TypeAlias = NamedDependency[IdentityClient]
RoomDep: TypeAlias = NamedDependency[RoomClient]
MediaDep: TypeAlias = NamedDependency[MediaClient]
ContextDep: TypeAlias = NamedDependency[RequestContext]
CookieDep: TypeAlias = NamedDependency[TokenCookie]
CallerDep: TypeAlias = NamedDependency[Caller]
TicketsDep: TypeAlias = NamedDependency[WsTickets]
