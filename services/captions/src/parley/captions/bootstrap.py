"""The composition root: the only module that names concrete infrastructure.

Captions owns the CAPTIONS stream; it reads ROOM (room's: which Spaces are live with captions
on), RECORDING (recording's: which recordings were deleted) and the relay's speaker feeds on
core NATS (while, and only while, a Space is captioned); it says captions on the Spaces' live
channels (core NATS).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from faststream.nats import NatsRouter

from parley.captions.adapters.live_captions import LiveCaptions
from parley.captions.adapters.speaker_feeds import SpeakerFeeds
from parley.captions.adapters.transcriber import load_transcriber, model_dir
from parley.captions.domain.utterances import Cutting
from parley.captions.entrypoints.captioning import Captioning
from parley.captions.entrypoints.routes import routes
from parley.captions.handlers.dependencies import CaptionsDeps
from parley.captions.projections.recordings import DeletedRecordingsProjection
from parley.captions.projections.spaces import SpacesProjection
from parley.captions.projections.transcripts import TranscriptsProjection
from parley.captions.settings import CaptionsSettings
from parley.chassis.event_store import EventStore
from parley.chassis.service import Infrastructure, ServiceDefinition, ServiceParts
from parley.chassis.settings import own_settings
from parley.contracts import streams

SERVICE = "captions"
MIGRATIONS = Path(__file__).parent / "migrations"


async def build(infra: Infrastructure) -> ServiceParts:
    settings = own_settings(infra.settings, CaptionsSettings)
    model = model_dir(settings.captions_model)
    transcriber = await asyncio.to_thread(
        load_transcriber, model, cpu_threads=settings.captions_cpu_threads
    )
    live_router = NatsRouter()  # what captions says on the live channels (no subscriptions)
    deps = CaptionsDeps(
        store=EventStore(infra.nc, stream=streams.CAPTIONS.name, context=streams.CAPTIONS.context),
        sessions=infra.sessions,
        positions=infra.positions,
        transcriber=transcriber,
        feeds=SpeakerFeeds(infra.nc),
        live=LiveCaptions(live_router),
        cutting=Cutting(
            end_pause_ms=settings.captions_end_pause_ms,
            max_ms=settings.captions_max_utterance_ms,
        ),
    )
    captioning = Captioning(deps, infra.leases, partial_every_ms=settings.captions_partial_every_ms)
    return ServiceParts(
        routers=[routes(deps, queue=SERVICE, outcomes=infra.outcomes), live_router],
        projections=[
            (streams.CAPTIONS, TranscriptsProjection()),
            (streams.ROOM, SpacesProjection()),
            (streams.RECORDING, DeletedRecordingsProjection()),
        ],
        background=[captioning.run],
        on_stop=[captioning.stop],
    )


definition = ServiceDefinition(
    name=SERVICE,
    # CAPTIONS is ours (created or updated at start); ROOM and RECORDING are room's and
    # recording's: we wait for them.
    streams=[streams.CAPTIONS, streams.ROOM, streams.RECORDING],
    migrations=MIGRATIONS,
    build=build,
    settings_type=CaptionsSettings,
)
