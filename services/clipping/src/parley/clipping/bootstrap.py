"""The composition root: the only module that names concrete infrastructure.

Clipping owns the CLIPPING stream, the ``clips`` object store bucket and its timer stream; it
reads ROOM (room's: recorded? clipping on? live? who is in?), RECORDING (recording's: the
finished recording, its deletion), CAPTIONS (captions' final segments: clips' transcripts),
RECFEED (the relay's durable program feed) and the ``recordings`` bucket.
"""

from __future__ import annotations

from pathlib import Path

from parley.chassis.event_store import EventStore
from parley.chassis.projections import CatchUp
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.chassis.timers import Timers
from parley.clipping.adapters.feed import ProgramFeed
from parley.clipping.adapters.objects import ClipObjects
from parley.clipping.entrypoints.reactions import reactions
from parley.clipping.entrypoints.routes import routes
from parley.clipping.entrypoints.timers import timer_firings
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.clipping.projections.caption_segments import CaptionSegmentsProjection
from parley.clipping.projections.clips import ClipsProjection
from parley.clipping.projections.recordings import RecordingsProjection
from parley.clipping.projections.spaces import SpacesProjection
from parley.clipping.settings import ClippingSettings
from parley.contracts import streams

SERVICE = "clipping"
MIGRATIONS = Path(__file__).parent / "migrations"


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, ClippingSettings)
    deps = ClippingDeps(
        store=EventStore(infra.nc, stream=streams.CLIPPING.name, context=streams.CLIPPING.context),
        sessions=infra.sessions,
        positions=infra.positions,
        feed=ProgramFeed(infra.nc),
        objects=await ClipObjects.open(infra.nc, replicas=settings.stream_replicas),
        timers=await Timers.open(infra.nc, SERVICE, replicas=settings.stream_replicas),
        public_url=settings.resolved_public_url(),
        expiry_s=settings.clip_expiry_s,
        catch_up=CatchUp(infra.nc, infra.positions),
    )
    return ServiceParts(
        routers=[
            routes(deps, queue=SERVICE, outcomes=infra.outcomes),
            reactions(deps, dead_letters=infra.dead_letters),
            timer_firings(deps, dead_letters=infra.dead_letters),
        ],
        projections=[
            (streams.CLIPPING, ClipsProjection()),
            (streams.ROOM, SpacesProjection()),
            (streams.RECORDING, RecordingsProjection()),
            (streams.CAPTIONS, CaptionSegmentsProjection()),
        ],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # CLIPPING is ours (created or updated at start); ROOM is room's, RECORDING recording's,
    # CAPTIONS captions' and RECFEED the relay's: we wait for them.
    streams=[
        streams.CLIPPING,
        streams.ROOM,
        streams.RECORDING,
        streams.CAPTIONS,
        streams.RECORDING_FEED,
    ],
    migrations=MIGRATIONS,
    build=build,
    settings_type=ClippingSettings,
)
