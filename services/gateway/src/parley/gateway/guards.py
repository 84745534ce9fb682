"""The route guards: who is calling (``requires_login``, ``optional_login``) and how often
(``rate_limited``).

Guards run before the request body is read, so an unauthenticated or rate-limited request is
answered whatever it carries, and reaches no service. Litestar hands a guard only the
connection: what the guards work with (the :class:`Gatekeeper`) is put in the app's state by
the composition root, under this module's own key. This module knows nothing of the gateway's
wiring; bootstrap imports it, never the other way round.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from parley.gateway.auth import Authenticator, Caller, not_signed_in
from parley.gateway.problems import Problem
from parley.gateway.rate_limits import RateLimiter

_STATE_KEY = "parley.gatekeeper"
_CALLER_KEY = "parley.caller"

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None] | None]


@dataclass(frozen=True)
class Gatekeeper:
    """What the guards check requests against."""

    authenticator: Authenticator
    limiters: Mapping[str, RateLimiter]

    def state(self) -> dict[str, Any]:
        """The app state that makes this the guards' gatekeeper (``Litestar(state=...)``)."""
        return {_STATE_KEY: self}


# The login guards are coroutines although they never wait: Litestar runs a plain function
# guard on a worker thread, a thread hop per authenticated request (~30 % of the gateway's CPU
# per request, measured in bench/).


async def requires_login(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: the request must carry a valid token."""
    caller = _gatekeeper(connection).authenticator.authenticate(connection)
    if caller is None:
        raise not_signed_in()
    connection.scope["state"][_CALLER_KEY] = caller


async def optional_login(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: anonymous is fine, but credentials that come must be valid."""
    caller = _gatekeeper(connection).authenticator.authenticate(connection)
    connection.scope["state"][_CALLER_KEY] = caller


def caller_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller | None:
    """The caller a login guard admitted (``None``: anonymous, or no login guard ran)."""
    caller = connection.scope.get("state", {}).get(_CALLER_KEY)
    return caller if isinstance(caller, Caller) else None


def rate_limited(bucket: str) -> Guard:
    """A guard counting requests per client IP in the limiter named ``bucket`` (shared by
    every gateway: :mod:`parley.gateway.rate_limits`)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        limiter = _gatekeeper(connection).limiters[bucket]
        client_ip = connection.client.host if connection.client else "unknown"
        wait_s = await limiter.hit(client_ip)
        if wait_s is not None:
            retry_after = max(1, math.ceil(wait_s))
            raise Problem(
                429,
                "rate-limited",
                "Too many requests",
                f"at most {limiter.limit} {bucket} requests per {limiter.window_s:g} s; "
                f"retry in {retry_after} s",
                headers={"Retry-After": str(retry_after)},
            )

    return guard


def _gatekeeper(connection: ASGIConnection[Any, Any, Any, Any]) -> Gatekeeper:
    return cast(Gatekeeper, connection.app.state[_STATE_KEY])
