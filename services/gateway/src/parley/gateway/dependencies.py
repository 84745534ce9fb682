"""What handlers receive by name: the bus, the token cookie, the request context, the caller.

The request-scoped ones are made here from the request; the others are objects the composition
root (:mod:`parley.gateway.bootstrap`) built once and hands over with :func:`provide`.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Request
from litestar.di import NamedDependency, Provide

from parley.chassis.bus import BusClient, RequestContext
from parley.gateway.auth import Caller, TokenCookie
from parley.gateway.guards import caller_of
from parley.gateway.idempotency_keys import IDEMPOTENCY_KEY_HEADER, idempotency_key
from parley.gateway.problems import Problem
from parley.gateway.request_ids import request_id_of
from parley.gateway.settings import GatewaySettings
from parley.gateway.spaces.scheduled import ScheduledSpaces
from parley.gateway.spaces.speaking import SpaceViews
from parley.gateway.ws_tickets import WsTickets


def request_context(request: Request[Any, Any, Any]) -> RequestContext:
    """The acting user (set by the auth guard), the request id as correlation id, and the
    client's ``Idempotency-Key`` as the command id (scoped to the caller: two callers' equal
    keys are two commands; without a key the bus client makes one per command)."""
    caller = caller_of(request)
    actor = caller.user_id if caller else None
    key = idempotency_key(request.headers.get(IDEMPOTENCY_KEY_HEADER))
    return RequestContext(
        actor=actor,
        correlation_id=request_id_of(request.scope),
        command_id=f"{actor or 'anonymous'}:{key}" if key else None,
    )


def current_caller(request: Request[Any, Any, Any]) -> Caller:
    """The caller of an endpoint guarded by ``requires_login``."""
    caller = caller_of(request)
    if caller is None:  # a handler without the guard: a bug, not the client's fault
        raise Problem(500, "internal-error", "Internal error", "no authenticated caller")
    return caller


def provide(value: object) -> Provide:
    """A dependency that is always ``value`` (built once, at start)."""

    def dependency() -> object:
        return value

    return Provide(dependency, use_cache=True, sync_to_thread=False)


REQUEST_DEPENDENCIES = {
    "ctx": Provide(request_context, sync_to_thread=False),
    "caller": Provide(current_caller, sync_to_thread=False),
}

# Handler parameter types: injected by name (Litestar 3 will require the marker).
BusDep: TypeAlias = NamedDependency[BusClient]
ContextDep: TypeAlias = NamedDependency[RequestContext]
CallerDep: TypeAlias = NamedDependency[Caller]
CookieDep: TypeAlias = NamedDependency[TokenCookie]
TicketsDep: TypeAlias = NamedDependency[WsTickets]
SettingsDep: TypeAlias = NamedDependency[GatewaySettings]
SpaceViewsDep: TypeAlias = NamedDependency[SpaceViews]
ScheduledSpacesDep: TypeAlias = NamedDependency[ScheduledSpaces]
