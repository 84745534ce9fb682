"""Request/reply routes as data: what a context answers, with which payload, result and problems.

Each context declares its routes once, in ``parley.contracts.api.<context>``::

    ROUTES = Routes("identity")
    REGISTER = ROUTES.command("register", Register, Registered, problems=("handle-taken",))

The owning service serves exactly these routes (a test checks it), callers send through them
(``BusClient.call(REGISTER, payload, ctx)`` returns a ``Registered``), and the AsyncAPI
document takes the reply messages from them.

Wire format: subject ``cmd.<context>.<name>`` or ``qry.<context>.<name>``, body the payload as
JSON; the reply body is the result as JSON, or, with the header ``Parley-Problem`` set to the
status, an RFC 9457 problem (``type`` is the stable slug).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, TypeAdapter

from parley.contracts.subjects import command_subject, query_subject

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")

RouteKind = Literal["command", "query"]

PROBLEM_HEADER = "Parley-Problem"

# Problems any route may answer, whatever it declares.
COMMON_PROBLEMS = ("invalid-input", "internal-error")


@dataclass(frozen=True, eq=False)
class Route(Generic[P, R]):
    """One command or query of a context."""

    kind: RouteKind
    context: str
    name: str
    payload: type[P]
    result: type[R]
    problems: tuple[str, ...] = ()
    description: str = ""

    @property
    def subject(self) -> str:
        if self.kind == "command":
            return command_subject(self.context, self.name)
        return query_subject(self.context, self.name)

    @cached_property
    def result_adapter(self) -> TypeAdapter[R]:
        return TypeAdapter(self.result)

    def __repr__(self) -> str:
        return f"Route({self.subject})"


@dataclass
class Routes:
    """The catalog of one context's routes, in declaration order."""

    context: str
    all: list[Route[Any, Any]] = field(default_factory=list)

    def command(
        self,
        name: str,
        payload: type[P],
        result: type[R],
        *,
        problems: tuple[str, ...] = (),
        description: str = "",
    ) -> Route[P, R]:
        return self._add(
            Route("command", self.context, name, payload, result, problems, description)
        )

    def query(
        self,
        name: str,
        payload: type[P],
        result: type[R],
        *,
        problems: tuple[str, ...] = (),
        description: str = "",
    ) -> Route[P, R]:
        return self._add(Route("query", self.context, name, payload, result, problems, description))

    def _add(self, route: Route[P, R]) -> Route[P, R]:
        if any(existing.subject == route.subject for existing in self.all):
            raise ValueError(f"route {route.subject} is declared twice")
        self.all.append(route)
        return route

    def subjects(self) -> set[str]:
        return {route.subject for route in self.all}
