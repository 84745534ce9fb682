"""The composition root: the only module that names concrete infrastructure."""

from __future__ import annotations

from pathlib import Path

from faststream.nats import NatsRouter

from parley.chassis.bus import tolerant_json
from parley.chassis.event_store import EventStore
from parley.chassis.projections import read_position
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.contracts import streams
from parley.media_relay.adapters.feeds import Feeds
from parley.media_relay.adapters.journal import EventStoreJournal
from parley.media_relay.adapters.room_queries import RoomQueries
from parley.media_relay.engine.worker import RelayWorker, WorkerConfig
from parley.media_relay.entrypoints.feeds import document_feeds
from parley.media_relay.entrypoints.room_roles import follow_room_roles, reset_watch
from parley.media_relay.entrypoints.routes import SERVICE, build_routes
from parley.media_relay.entrypoints.workers import WorkerPublishers, subscribe_worker_messages
from parley.media_relay.handlers.dependencies import MediaDeps
from parley.media_relay.projections.roles import RoomRolesProjection
from parley.media_relay.queries.roles import RoomRoles
from parley.media_relay.settings import MediaSettings

MIGRATIONS = Path(__file__).parent / "migrations"


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, MediaSettings)
    projection = RoomRolesProjection(settings.media_worker_id)
    roles = RoomRoles(infra.sessions, projection=projection.name)
    workers = NatsRouter(decoder=tolerant_json)  # a coroutine: no worker thread per message
    worker = RelayWorker(
        link=WorkerPublishers(workers),
        # The 20 ms audio feeds: raw, on the broker's own connection (see adapters/feeds.py).
        feeds=Feeds(infra.nc),
        config=WorkerConfig(
            worker_id=settings.media_worker_id,
            capacity=settings.media_capacity,
            bitrate=settings.media_bitrate,
            heartbeat_s=settings.heartbeat_s,
        ),
        source=roles,
        room=RoomQueries(infra.bus),
        journal=EventStoreJournal(
            EventStore(infra.nc, stream=streams.MEDIA.name, context=streams.MEDIA.context)
        ),
    )
    subscribe_worker_messages(workers, worker)
    document_feeds(workers)
    # Before the projection runner starts: the roles watch begins where the projection is.
    async with infra.sessions() as session:
        position = await read_position(session, projection.name)
    await reset_watch(infra.nc, worker.worker_id)
    room_roles = NatsRouter()
    follow_room_roles(
        room_roles,
        worker=worker,
        roles=roles,
        positions=infra.positions,
        after_seq=position,
        dead_letters=infra.dead_letters,
    )
    return ServiceParts(
        routers=[
            build_routes(MediaDeps(worker=worker, bus=infra.bus), infra.outcomes),
            workers,
            room_roles,
        ],
        projections=[(streams.ROOM, projection)],
        # Background jobs start once every subscriber is listening: a worker announces itself
        # (and so gets negotiations forwarded to it) only when it can answer them.
        background=[worker.start],
        on_stop=[worker.stop],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # RECFEED is ours too (ADR 21): it must exist before a recorded Space's first packet.
    streams=[streams.MEDIA, streams.ROOM, streams.RECORDING_FEED],
    migrations=MIGRATIONS,
    build=build,
    settings_type=MediaSettings,
)
