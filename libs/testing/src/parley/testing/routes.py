"""What a service's FastStream routers serve, for the "serves exactly its declared routes" test::

parts = await bootstrap.build(infra)
assert route_subjects(parts) == room_api.ROUTES.subjects()
"""

from __future__ import annotations

from collections.abc import Iterable

from faststream.nats import NatsRouter

from parley.chassis.service import ServiceParts

ROUTE_PREFIXES = ("cmd.", "qry.")


def _routers(
    parts_or_routers: ServiceParts | NatsRouter | Iterable[NatsRouter],
) -> list[NatsRouter]:
    if isinstance(parts_or_routers, ServiceParts):
        return list(parts_or_routers.routers)
    if isinstance(parts_or_routers, NatsRouter):
        return [parts_or_routers]
    return list(parts_or_routers)


def served_subjects(parts_or_routers: ServiceParts | NatsRouter | Iterable[NatsRouter]) -> set[str]:
    """Every subject the subscribers of these routers (and of the routers they include) listen
    on: request/reply routes, policies' event filters, live subscribers."""
    subjects: set[str] = set()
    for router in _routers(parts_or_routers):
        for subscriber in router.subscribers:
            subject = subscriber.subject.template  # type: ignore[attr-defined]
            if subject:
                subjects.add(subject)
            subjects.update(getattr(subscriber, "filter_subjects", None) or ())
    return subjects


def route_subjects(parts_or_routers: ServiceParts | NatsRouter | Iterable[NatsRouter]) -> set[str]:
    """The command and query subjects (``cmd.*``, ``qry.*``) these routers serve."""
    return {s for s in served_subjects(parts_or_routers) if s.startswith(ROUTE_PREFIXES)}
