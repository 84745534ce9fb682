"""What a relay worker listens to: exactly its context's declared routes, its own negotiate
subject, the other workers, and room's roles events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from parley.contracts.api.media import ROUTES
from parley.contracts.events import room as ev
from parley.contracts.media import WORKERS_SUBJECT, worker_negotiate_subject
from parley.contracts.subjects import event_type_filter
from parley.media_relay.domain.roles import ROLE_EVENTS
from parley.media_relay.entrypoints.workers import HANGUP_SUBJECT, SESSION_OPENED_SUBJECT
from parley.testing.routes import route_subjects, served_subjects


async def test_a_worker_serves_exactly_the_declared_routes_and_its_own_subject(
    worker_factory: Callable[..., Any],
) -> None:
    service = await worker_factory("w7")
    routes, workers, room_roles = service.parts.routers

    assert route_subjects(service.parts) == ROUTES.subjects()
    assert served_subjects(routes) == ROUTES.subjects() | {worker_negotiate_subject("w7")}
    assert served_subjects(workers) == {
        WORKERS_SUBJECT,
        HANGUP_SUBJECT,
        SESSION_OPENED_SUBJECT,
        "media.speaking.{space_id}",
    }
    roles_events = {event_type_filter(ev.CONTEXT, event.event_type()) for event in ROLE_EVENTS}
    assert served_subjects(room_roles) == {"room.>"} | roles_events


async def test_every_route_answers_over_the_bus(worker_factory: Callable[..., Any]) -> None:
    """Each declared subject (and the worker's own) has a responder: an empty request gets a
    problem back at once, not a timeout."""
    service = await worker_factory("w1")
    nc = service.infra.nc
    for subject in sorted(ROUTES.subjects() | {worker_negotiate_subject("w1")}):
        reply = await nc.request(subject, b"not json", timeout=5)
        assert (reply.headers or {}).get("Parley-Problem") == "422", subject
