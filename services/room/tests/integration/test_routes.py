"""Room serves exactly the routes its contract declares (``ROUTES``), no more, no less; its
other subscribers are its policies and the live side's own."""

from __future__ import annotations

import json

from parley.chassis.timers import fired_prefix
from parley.contracts import streams
from parley.contracts.api.room import ROUTES
from parley.contracts.events.identity import UserSuspended
from parley.contracts.events.recording import RecordingFinalized
from parley.contracts.events.room import HostDisconnected
from parley.contracts.events.scheduling import (
    ReminderDue,
    ScheduledSpaceCanceled,
    ScheduledSpaceUpdated,
    ScheduledStartDue,
    SpaceScheduled,
)
from parley.contracts.routes import PROBLEM_HEADER
from parley.contracts.subjects import event_type_filter
from parley.room.bootstrap import definition
from parley.room.entrypoints.live_channel import RAW_REACTIONS
from parley.room.entrypoints.presence_endings import (
    PARTICIPANT_LEFT,
    PARTICIPANT_REMOVED,
    SPACE_ENDED,
)
from parley.testing.routes import route_subjects, served_subjects

from .conftest import Room


async def test_room_serves_exactly_its_declared_routes(room: Room) -> None:
    parts = room.running.parts
    assert route_subjects(parts) == ROUTES.subjects()
    assert served_subjects(parts) == ROUTES.subjects() | {
        event_type_filter("identity", UserSuspended.event_type()),  # its policies
        *(
            event_type_filter("scheduling", event.event_type())
            for event in (
                SpaceScheduled,
                ScheduledSpaceUpdated,
                ScheduledSpaceCanceled,
                ScheduledStartDue,
                ReminderDue,
            )
        ),
        event_type_filter("recording", RecordingFinalized.event_type()),
        event_type_filter("room", HostDisconnected.event_type()),  # arms the host-grace timer
        fired_prefix("room") + ">",  # the host-grace timers' firings
        RAW_REACTIONS,  # the reaction aggregator
        SPACE_ENDED,  # reactions stop when a Space ends,
        PARTICIPANT_LEFT,  # when a participant leaves,
        PARTICIPANT_REMOVED,  # and when one is removed
    }
    # Each one answers on the bus: a body that is no payload at all is a 422 problem at once.
    for route in ROUTES.all:
        reply = await room.nc.request(route.subject, b"\xff", timeout=5)
        assert (reply.headers or {}).get(PROBLEM_HEADER) == "422", route
        assert json.loads(reply.data)["type"] == "invalid-input", route


def test_room_owns_its_stream_and_only_reads_the_others() -> None:
    assert [spec.name for spec in definition.streams if spec.owner == "room"] == ["ROOM"]
    assert [spec.name for spec in definition.streams] == [
        streams.ROOM.name,
        streams.IDENTITY.name,
        streams.SCHEDULING.name,
        streams.RECORDING.name,
        streams.CLIPPING.name,
    ]
