"""Domain rejections become the bus's problem details, with their slug as the ``type``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from parley.chassis import errors
from parley.chassis.bus import RequestContext
from parley.chassis.handlers import bind, rejection_translator
from parley.room.domain import errors as domain
from parley.room.handlers.dependencies import RoomDeps

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")

as_bus_error = rejection_translator(
    domain.Rejected,
    {
        domain.InvalidInput: errors.InvalidInput,
        domain.NotAuthenticated: errors.Unauthorized,
        domain.NotAllowed: errors.Forbidden,
        domain.NotFound: errors.NotFound,
        domain.Conflict: errors.Conflict,
    },
)


def bound(
    deps: RoomDeps, handler: Callable[[RoomDeps, P, RequestContext], Awaitable[R]]
) -> Callable[[P, RequestContext], Awaitable[R]]:
    """``handler`` with its dependencies given, its rejections turned into bus errors."""
    return bind(deps, handler, translate=as_bus_error, contended="this Space")
