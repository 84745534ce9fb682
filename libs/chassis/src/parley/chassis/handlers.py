"""Binding a service's command handlers to the bus: dependencies given, the domain's own
rejections turned into the bus's problem-shaped :class:`DomainError` s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar

from pydantic import BaseModel

from parley.chassis.bus import RequestContext
from parley.chassis.decider import TooMuchContention
from parley.chassis.errors import Conflict, DomainError

D = TypeVar("D")
P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


class Rejection(Protocol):
    """What a pure domain raises: a stable slug and a sentence for people."""

    slug: str
    detail: str


def rejection_translator(
    base: type[Exception], statuses: Mapping[type[Exception], type[DomainError]]
) -> Callable[[Exception], DomainError | None]:
    """Maps a domain's rejection classes (subclasses of ``base``) to bus error classes."""

    def translate(error: Exception) -> DomainError | None:
        if not isinstance(error, base):
            return None
        error_type = statuses.get(type(error), DomainError)
        rejection: Rejection = error  # type: ignore[assignment]
        return error_type(rejection.detail, type=rejection.slug)

    return translate


def bind(
    deps: D,
    handler: Callable[[D, P, RequestContext], Awaitable[R]],
    *,
    translate: Callable[[Exception], DomainError | None],
    contended: str,
) -> Callable[[P, RequestContext], Awaitable[R]]:
    """``handler`` with its dependencies given and its rejections turned into bus errors;
    an aggregate still contended after the command loop's retries is a 409 ``busy``."""

    async def answer(payload: P, ctx: RequestContext) -> R:
        try:
            return await handler(deps, payload, ctx)
        except TooMuchContention as error:
            raise Conflict(
                f"too many simultaneous changes to {contended}, try again", type="busy"
            ) from error
        except Exception as error:
            bus_error = translate(error)
            if bus_error is None:
                raise
            raise bus_error from error

    answer.__name__ = getattr(handler, "__name__", "answer")
    return answer
