"""The composition root: the only module that names concrete infrastructure."""

from __future__ import annotations

from pathlib import Path

from parley.chassis.bus import BusClient
from parley.chassis.event_store import EventStore
from parley.chassis.messaging import StreamSpec
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.contracts.events import media, room
from parley.contracts.registry import registered_events
from parley.contracts.subjects import context_filter, event_type_filter
from parley.media_relay.adapters.journal import EventStoreJournal
from parley.media_relay.adapters.room_queries import RoomQueries
from parley.media_relay.engine.worker import RelayWorker, WorkerConfig
from parley.media_relay.entrypoints.bus import build_router
from parley.media_relay.handlers.dependencies import MediaDeps
from parley.media_relay.projections.roles import RoomRoles, RoomRolesProjection
from parley.media_relay.settings import MediaSettings

SERVICE = "media_relay"
# Only the media *events* (``media.<session_id>.<event>``), not ``media.>``: the relay's
# ephemeral traffic lives under ``media.`` too (feeds, heartbeats, forwarded negotiations), and a
# stream on ``media.>`` kept every audio packet forever and answered each forwarded negotiation
# request with its PubAck before the chosen worker could.
MEDIA_STREAM = StreamSpec(
    "MEDIA",
    sorted(
        event_type_filter(media.CONTEXT, name)
        for name, kind in registered_events().items()
        if kind.context == media.CONTEXT
    ),
)
# Room owns it; the relay consumes it (same spec as room's: idempotent).
ROOM_STREAM = StreamSpec("ROOM", [context_filter(room.CONTEXT)])
MIGRATIONS = Path(__file__).parent / "migrations"
ROOM_QUERY_TIMEOUT_S = 1.0


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, MediaSettings)
    worker = RelayWorker(
        nc=infra.nc,
        config=WorkerConfig(
            worker_id=settings.media_worker_id,
            capacity=settings.media_capacity,
            bitrate=settings.media_bitrate,
            heartbeat_s=settings.heartbeat_s,
        ),
        source=RoomRoles(infra.sessions),
        room=RoomQueries(BusClient(infra.nc, timeout=ROOM_QUERY_TIMEOUT_S)),
        journal=EventStoreJournal(
            EventStore(infra.nc, stream=MEDIA_STREAM.name, context=media.CONTEXT)
        ),
    )
    deps = MediaDeps(worker=worker, bus=BusClient(infra.nc, timeout=10.0))
    return ServiceParts(
        router=build_router(deps),
        projections=[(ROOM_STREAM.name, RoomRolesProjection(worker.worker_id, worker.on_roles))],
        # Background jobs start once the router is subscribed: a worker announces itself (and
        # so gets negotiations forwarded to it) only when it can answer them.
        background=[worker.start],
        on_stop=[worker.stop],
    )


definition = ServiceDefinition(
    name=SERVICE,
    streams=[MEDIA_STREAM, ROOM_STREAM],
    migrations=MIGRATIONS,
    build=build,
    settings_type=MediaSettings,
)
