"""Binding a service's handlers to its routes: dependencies given, and the domain's own
rejections turned into the bus's problem-shaped :class:`DomainError` s.

A pure domain raises its own rejections; each carries a stable ``slug``, a ``detail`` for
people and an HTTP-like ``status`` (a plain int: the domain imports nothing). That is the one
translation every service uses: no per-service error maps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from faststream.nats import NatsRouter
from pydantic import BaseModel

from parley.chassis.bus import RequestContext, route_router, serve
from parley.chassis.decider import TooMuchContention
from parley.chassis.errors import Conflict, DomainError
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.routes import Route

D = TypeVar("D")
P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


def as_domain_error(error: Exception) -> DomainError | None:
    """A domain rejection (``slug``, ``detail``, ``status``) as a bus error; None otherwise."""
    slug = getattr(error, "slug", None)
    status = getattr(error, "status", None)
    if not isinstance(slug, str) or not isinstance(status, int):
        return None
    detail = getattr(error, "detail", None) or str(error)
    return DomainError.from_problem({"type": slug, "status": status, "detail": detail})


def bind(
    deps: D,
    handler: Callable[[D, P, RequestContext], Awaitable[R]],
    *,
    contended: str = "this",
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
            bus_error = as_domain_error(error)
            if bus_error is None:
                raise
            raise bus_error from error

    answer.__name__ = getattr(handler, "__name__", "answer")
    return answer


class RouteAnswers(Generic[D]):
    """A service's routes, each answered by its handler bound to the service's dependencies;
    every command at most once per command id (the service's ``outcomes``)::

        answers = RouteAnswers(deps, queue=SERVICE, outcomes=infra.outcomes, contended="...")
        answers.answer(api.REGISTER, register.register)
        router = answers.router
    """

    def __init__(
        self,
        deps: D,
        *,
        queue: str,
        outcomes: CommandOutcomes | None,
        contended: str = "this",
    ) -> None:
        self.router: NatsRouter = route_router()
        self._deps = deps
        self._queue = queue
        self._outcomes = outcomes
        self._contended = contended

    def answer(
        self,
        route: Route[P, R],
        handler: Callable[[D, P, RequestContext], Awaitable[R]],
        *,
        subject: str | None = None,
    ) -> None:
        """Serve ``route`` (on ``subject``, e.g. a worker's own, when given) with ``handler``."""
        serve(
            self.router,
            route,
            bind(self._deps, handler, contended=self._contended),
            queue=self._queue,
            subject=subject,
            outcomes=self._outcomes,
        )
