"""The composition root: the only module that names concrete infrastructure.

Recording owns the RECORDING stream and the ``recordings`` object store bucket; it reads ROOM
(room's: its Spaces' creation and end) and RECFEED (the relay's durable program feed, ADR 21).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from parley.chassis.event_store import EventStore
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.timers import Timers
from parley.contracts import streams
from parley.recording.adapters.feed import RecordingFeed
from parley.recording.adapters.objects import RecordingObjects
from parley.recording.entrypoints.captures import Captures
from parley.recording.entrypoints.reactions import reactions
from parley.recording.entrypoints.routes import routes
from parley.recording.entrypoints.timers import timer_firings
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.projections.recordings import RecordingsProjection
from parley.recording.settings import RecordingSettings

SERVICE = "recording"
MIGRATIONS = Path(__file__).parent / "migrations"


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, RecordingSettings)
    deps = RecordingDeps(
        store=EventStore(
            infra.nc, stream=streams.RECORDING.name, context=streams.RECORDING.context
        ),
        sessions=infra.sessions,
        positions=infra.positions,
        feed=RecordingFeed(infra.nc),
        objects=await RecordingObjects.open(infra.nc, replicas=settings.stream_replicas),
        segment_packets=settings.recording_segment_packets,
        end_quiet_s=settings.recording_end_quiet_s,
        timers=await Timers.open(infra.nc, SERVICE, replicas=settings.stream_replicas),
        retention=timedelta(seconds=settings.recording_retention_s),
    )
    captures = Captures(deps, infra.leases)
    return ServiceParts(
        routers=[
            routes(deps, queue=SERVICE, outcomes=infra.outcomes),
            reactions(deps, dead_letters=infra.dead_letters),
            timer_firings(deps, dead_letters=infra.dead_letters),
        ],
        projections=[(streams.RECORDING, RecordingsProjection())],
        background=[captures.run],
        on_stop=[captures.stop],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # RECORDING is ours (created or updated at start); ROOM is room's and RECFEED the relay's:
    # we wait for them.
    streams=[streams.RECORDING, streams.ROOM, streams.RECORDING_FEED],
    migrations=MIGRATIONS,
    build=build,
    settings_type=RecordingSettings,
)
