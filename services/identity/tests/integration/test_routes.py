"""Identity serves exactly the routes its contract declares (``ROUTES``), no more, no less;
its only other subscriber is its reaction to room's removals."""

from __future__ import annotations

import json
from typing import Any

from parley.contracts import streams
from parley.contracts.api.identity import ROUTES
from parley.contracts.events.room import ParticipantRemoved
from parley.contracts.routes import PROBLEM_HEADER
from parley.contracts.subjects import event_type_filter
from parley.identity.bootstrap import definition
from parley.testing.routes import route_subjects, served_subjects


async def test_identity_serves_exactly_its_declared_routes(identity: Any) -> None:
    parts = identity.running.parts
    assert route_subjects(parts) == ROUTES.subjects()
    assert served_subjects(parts) == ROUTES.subjects() | {
        event_type_filter("room", ParticipantRemoved.event_type())
    }
    # Each one answers on the bus: a body that is no payload at all is a 422 problem at once.
    nc = identity.running.infra.nc
    for route in ROUTES.all:
        reply = await nc.request(route.subject, b"\xff", timeout=5)
        assert (reply.headers or {}).get(PROBLEM_HEADER) == "422", route
        assert json.loads(reply.data)["type"] == "invalid-input", route


def test_identity_owns_its_stream_and_only_reads_room_s() -> None:
    assert [spec.name for spec in definition.streams if spec.owner == "identity"] == ["IDENTITY"]
    assert [spec.name for spec in definition.streams] == [
        streams.IDENTITY.name,
        streams.ROOM.name,
    ]
