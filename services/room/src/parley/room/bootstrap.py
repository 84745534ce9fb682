"""The composition root: the only module that names concrete infrastructure.

Room owns the ROOM stream and reads IDENTITY (identity's), SCHEDULING (scheduling's: its
copy of each scheduled Space, the reminders, the timers that came due; ADR 20), RECORDING
(recording's: a recording ready, its plays) and CLIPPING (clipping's: the clips made). It serves its
contract's routes, runs its read models and its live publisher on the projection runner, its
policies as durable consumers (one arms the host-grace timers on the broker; their firings
come to a shared durable consumer), and in the background the live senders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from faststream.nats import NatsRouter

from parley.chassis.event_store import EventStore
from parley.chassis.projections import CatchUp
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.timers import Timers
from parley.contracts import streams
from parley.room.clock import utc_now
from parley.room.entrypoints.audience_publisher import AudiencePublisher
from parley.room.entrypoints.host_grace_timers import host_grace_timers
from parley.room.entrypoints.live_channel import LiveChannel
from parley.room.entrypoints.live_publisher import LivePublisher
from parley.room.entrypoints.notification_push import NotificationPusher
from parley.room.entrypoints.policy_consumers import policy_consumers
from parley.room.entrypoints.presence_endings import forget_presences_when_they_end
from parley.room.entrypoints.reaction_aggregator import ReactionAggregator
from parley.room.entrypoints.routes import routes
from parley.room.handlers.dependencies import RoomDeps
from parley.room.handlers.reaction_gate import ReactionGate, TokenBuckets
from parley.room.projections.catalog import CatalogProjection
from parley.room.projections.identity import RoomIdentityProjection
from parley.room.projections.notifications import NotificationsProjection
from parley.room.projections.participants import ParticipantsProjection
from parley.room.projections.reminders import RemindersProjection
from parley.room.projections.replays import ClipsProjection, ReplayPlaysProjection
from parley.room.queries.discovery import Trending
from parley.room.queries.read_cache import ReadCache
from parley.room.settings import RoomSettings

SERVICE = "room"
MIGRATIONS = Path(__file__).parent / "migrations"


async def build(infra: Infrastructure, *, clock: Callable[[], datetime] = utc_now) -> ServiceParts:
    settings = own_settings(infra.settings, RoomSettings)
    live = NatsRouter()
    channel = LiveChannel(live)
    reads = ReadCache(infra.positions)
    gate = ReactionGate(
        TokenBuckets(rate_per_s=settings.reaction_rate_per_s, burst=settings.reaction_burst),
        presence_ttl_s=settings.reaction_presence_cache_s,
        reads=reads,
    )
    deps = RoomDeps(
        store=EventStore(infra.nc, stream=streams.ROOM.name, context=streams.ROOM.context),
        sessions=infra.sessions,
        positions=infra.positions,
        reads=reads,
        public_url=settings.resolved_public_url(),
        host_grace_s=settings.host_grace_s,
        clock=clock,
        trending=Trending(settings.trending_window_s, settings.trending_growth_weight),
        reactions=gate,
        send_reaction=channel.raw_reaction,
    )
    audience = AudiencePublisher(
        channel, infra.sessions, interval_s=settings.listener_count_interval_s
    )
    notification_push = NotificationPusher(
        channel, infra.sessions, max_age_s=settings.notification_live_max_age_s
    )
    aggregator = ReactionAggregator(channel, infra.sessions, window_ms=settings.reaction_window_ms)
    aggregator.subscribe(live)
    forget_presences_when_they_end(live, gate)
    live_publisher = LivePublisher(deps, channel, max_age_s=settings.live_max_age_s)
    timers = await Timers.open(infra.nc, SERVICE, replicas=settings.stream_replicas)
    policies = policy_consumers(
        deps, CatchUp(infra.nc, infra.positions), timers, dead_letters=infra.dead_letters
    )
    return ServiceParts(
        routers=[
            routes(deps, queue=SERVICE, outcomes=infra.outcomes),
            policies,
            host_grace_timers(deps, SERVICE, dead_letters=infra.dead_letters),
            live,
        ],
        projections=[
            (streams.IDENTITY, RoomIdentityProjection()),
            (streams.SCHEDULING, RemindersProjection()),
            (streams.RECORDING, ReplayPlaysProjection()),
            (streams.CLIPPING, ClipsProjection()),
            (
                streams.ROOM,
                ParticipantsProjection(
                    on_audience_changed=audience.changed,
                    live_max_age_s=settings.live_max_age_s,
                    clock=clock,
                ),
            ),
            (streams.ROOM, CatalogProjection()),
            (streams.ROOM, NotificationsProjection(on_created=notification_push.created)),
            (streams.ROOM, live_publisher),
        ],
        background=[
            live_publisher.run,
            audience.run,
            notification_push.run,
            aggregator.run,
        ],
    )


definition = ServiceDefinition(
    name=SERVICE,
    streams=[
        streams.ROOM,
        streams.IDENTITY,
        streams.SCHEDULING,
        streams.RECORDING,
        streams.CLIPPING,
    ],
    migrations=MIGRATIONS,
    build=build,
    settings_type=RoomSettings,
)
