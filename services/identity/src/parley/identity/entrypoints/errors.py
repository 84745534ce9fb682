"""Domain rejections become the bus's problem details, with their slug as the ``type``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from parley.chassis import errors
from parley.chassis.bus import RequestContext
from parley.chassis.handlers import bind, rejection_translator
from parley.identity.domain import errors as domain
from parley.identity.handlers.dependencies import IdentityDeps

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")

as_bus_error = rejection_translator(
    domain.Rejected,
    {
        domain.InvalidInput: errors.InvalidInput,
        domain.NotAuthenticated: errors.Unauthorized,
        domain.NotAllowed: errors.Forbidden,
        domain.UnknownUser: errors.NotFound,
        domain.Conflict: errors.Conflict,
    },
)


def bound(
    deps: IdentityDeps, handler: Callable[[IdentityDeps, P, RequestContext], Awaitable[R]]
) -> Callable[[P, RequestContext], Awaitable[R]]:
    """``handler`` with its dependencies given, its rejections turned into bus errors."""
    return bind(deps, handler, translate=as_bus_error, contended="this account")
