"""The composition root: the only module that names concrete infrastructure."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from parley.chassis.bus import BusRouter
from parley.chassis.event_store import EventStore
from parley.chassis.messaging import StreamSpec
from parley.chassis.projections import Projection
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.contracts.events import identity, room
from parley.contracts.subjects import context_filter
from parley.room.all_tables import is_installed
from parley.room.entrypoints.bus import build_router
from parley.room.entrypoints.live_publisher import LivePublisher
from parley.room.entrypoints.suspension_policy import SuspensionPolicy
from parley.room.entrypoints.timer_poller import poll_host_grace_timers
from parley.room.handlers.dependencies import RoomDeps
from parley.room.projections.identity import RoomIdentityProjection
from parley.room.projections.memberships import LiveMemberships
from parley.room.projections.participants import OWN_MEMBERSHIPS, READ_SIDE_PARTICIPANTS
from parley.room.projections.position_watch import PositionWatch
from parley.room.projections.timers import HostGraceTimers
from parley.room.settings import RoomSettings

SERVICE = "room"
ROOM_STREAM = StreamSpec("ROOM", [context_filter(room.CONTEXT)])
# Identity owns it; room consumes it and makes sure it exists (same spec as identity's).
IDENTITY_STREAM = StreamSpec("IDENTITY", [context_filter(identity.CONTEXT)])
MIGRATIONS = Path(__file__).parent / "migrations"
READ_SIDE_WIRING = "parley.room.read_side.wiring"

Background = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class ReadSideParts:
    projections: Sequence[tuple[str, Projection]] = ()
    background: Sequence[Background] = ()


async def _read_side(infra: Infrastructure, router: BusRouter) -> ReadSideParts:
    """The read side registers its queries on ``router`` and brings its projections."""
    if not is_installed(READ_SIDE_WIRING):
        return ReadSideParts()
    wiring = importlib.import_module(READ_SIDE_WIRING)
    built = wiring.build_read_side(infra, router)
    if inspect.isawaitable(built):
        built = await built
    return ReadSideParts(projections=built.projections, background=built.background)


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, RoomSettings)
    participants = READ_SIDE_PARTICIPANTS if is_installed(READ_SIDE_WIRING) else OWN_MEMBERSHIPS
    deps = RoomDeps(
        store=EventStore(infra.nc, stream=ROOM_STREAM.name, context=room.CONTEXT),
        sessions=infra.sessions,
        participants=participants,
        presence=PositionWatch(infra.sessions, participants.projection),
        public_url=settings.resolved_public_url(),
        host_grace_s=settings.host_grace_s,
    )
    router = build_router(deps)
    read_side = await _read_side(infra, router)
    projections: list[tuple[str, Projection]] = [
        (IDENTITY_STREAM.name, RoomIdentityProjection()),
        (ROOM_STREAM.name, HostGraceTimers()),
        (ROOM_STREAM.name, LiveMemberships()),
        (ROOM_STREAM.name, LivePublisher(deps, infra.nc, max_age_s=settings.live_max_age_s)),
        (IDENTITY_STREAM.name, SuspensionPolicy(deps, infra.nc, room_stream=ROOM_STREAM.name)),
        *read_side.projections,
    ]
    timers = partial(poll_host_grace_timers, deps, settings.timer_poll_s)
    return ServiceParts(
        router=router, projections=projections, background=[timers, *read_side.background]
    )


definition = ServiceDefinition(
    name=SERVICE,
    streams=[ROOM_STREAM, IDENTITY_STREAM],
    migrations=MIGRATIONS,
    build=build,
    settings_type=RoomSettings,
)
