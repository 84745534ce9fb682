"""The gateway's only composition root: the one place that names its concrete infrastructure (the
process's NATS broker, the keys) and builds every part of the app from it.

Nothing imports this module but the entry point and the tests: parts receive what they use
(handlers by name through Litestar's dependencies, guards through their :class:`Gatekeeper`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from faststream.nats import NatsBroker
from litestar import Litestar
from litestar.datastructures import State
from litestar.plugins.pydantic import PydanticPlugin
from litestar.types import ControllerRouterHandler

from parley.chassis.bus import BusClient
from parley.chassis.logs import get_logger
from parley.chassis.messaging import make_broker
from parley.chassis.tokens import TokenVerifier
from parley.contracts.api import clipping, recording
from parley.gateway.accounts.auth_controller import AuthController
from parley.gateway.accounts.me_controller import MeController
from parley.gateway.accounts.moderation_controller import ModerationController
from parley.gateway.accounts.ping_controller import PingController
from parley.gateway.accounts.users_controller import UsersController
from parley.gateway.auth import Authenticator, TokenCookie
from parley.gateway.bodies import GatewayRequest
from parley.gateway.captions.transcripts_controller import (
    TranscriptController,
    TranscriptSearchController,
)
from parley.gateway.clips.clips_controller import ClipsController
from parley.gateway.dependencies import REQUEST_DEPENDENCIES, provide
from parley.gateway.guards import Gatekeeper
from parley.gateway.health import HealthController, Readiness
from parley.gateway.live.channels import LiveChannels
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.presence import HostPresence
from parley.gateway.live.routes import LiveController, TicketsController
from parley.gateway.live.space_channel import ChannelSettings
from parley.gateway.media.media_controller import MediaController
from parley.gateway.notifications.notifications_controller import NotificationsController
from parley.gateway.openapi import openapi_config, openapi_document, render_openapi_document
from parley.gateway.problems import EXCEPTION_HANDLERS
from parley.gateway.rate_limits import RateLimiter, SharedHits, SharedWindowLimiter
from parley.gateway.recordings.plays import Plays
from parley.gateway.recordings.recordings_controller import (
    MyRecordingsController,
    RecordingsController,
)
from parley.gateway.request_ids import echo_request_id
from parley.gateway.settings import GatewaySettings
from parley.gateway.spaces.audience_controller import AudienceController
from parley.gateway.spaces.interaction_controller import InteractionController
from parley.gateway.spaces.scheduled import ScheduledSpaces
from parley.gateway.spaces.scheduling_controller import SchedulingController
from parley.gateway.spaces.spaces_controller import SpacesController
from parley.gateway.spaces.speaking import SpaceViews
from parley.gateway.spaces.stage_controller import StageController
from parley.gateway.stored_audio import AudioObjects
from parley.gateway.suspensions import SuspendedUsers, SuspensionWatcher, suspension_events
from parley.gateway.telemetry import trace_requests
from parley.gateway.web.routes import ROUTE_HANDLERS as WEB_CLIENT
from parley.gateway.ws_tickets import WsTickets, ticket_key

log = get_logger(__name__)

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    HealthController,
    openapi_document,
    AuthController,
    MeController,
    UsersController,
    ModerationController,
    PingController,
    SpacesController,
    SchedulingController,
    AudienceController,
    StageController,
    InteractionController,
    MediaController,
    NotificationsController,
    RecordingsController,
    MyRecordingsController,
    ClipsController,
    TranscriptController,
    TranscriptSearchController,
    LiveController,
    TicketsController,
    *WEB_CLIENT,
]


class MissingPublicKey(RuntimeError):
    pass


@dataclass(frozen=True)
class GatewayDeps:
    """What :func:`build_gateway` builds the gateway on. Tests may pass their own (a fake
    clock); :func:`make_deps` makes the real ones."""

    broker: NatsBroker  # the process's one NATS connection, connected when the app starts
    verifier: TokenVerifier
    ticket_key: bytes
    clock: Callable[[], float] = field(default=time.monotonic)


def read_public_key(settings: GatewaySettings) -> bytes:
    path = settings.token_public_key_file
    if path is None:
        raise MissingPublicKey(
            "PARLEY_TOKEN_PUBLIC_KEY_FILE must name identity's public key (PEM, Ed25519)"
        )
    return path.read_bytes()


def load_verifier(settings: GatewaySettings) -> TokenVerifier:
    return TokenVerifier(read_public_key(settings))


def load_ticket_key(settings: GatewaySettings) -> bytes:
    secret = settings.ws_ticket_secret
    if secret is None:
        log.info("gateway.ws_ticket_key_derived", hint="set PARLEY_WS_TICKET_SECRET in production")
    value = secret.get_secret_value() if secret else None
    return ticket_key(value, read_public_key(settings))


def make_deps(settings: GatewaySettings) -> GatewayDeps:
    # Keys first: a configuration error fails fast, before anything is started.
    verifier, key = load_verifier(settings), load_ticket_key(settings)
    broker = make_broker(settings.nats_url, name=settings.service_name)
    return GatewayDeps(broker=broker, verifier=verifier, ticket_key=key)


@dataclass(frozen=True)
class Gateway:
    """One gateway process: the Litestar app, and the parts probes and tests look into."""

    app: Litestar
    broker: NatsBroker
    suspended: SuspendedUsers
    hub: LiveHub
    presence: HostPresence
    live: LiveChannels


def build_gateway(settings: GatewaySettings, deps: GatewayDeps) -> Gateway:
    broker = deps.broker
    bus = BusClient(broker, timeout=settings.bus_timeout_s)
    suspended = SuspendedUsers(clock=deps.clock)
    broker.include_router(suspension_events(suspended))
    watcher = SuspensionWatcher(
        bus,
        suspended,
        refresh_s=settings.suspension_refresh_s,
        retry_s=settings.suspension_retry_s,
    )
    authenticator = Authenticator(deps.verifier, suspended)
    shared_hits = SharedHits(settings.rate_limit_bucket, window_s=settings.rate_limit_window_s)
    gatekeeper = Gatekeeper(authenticator, limiters=_limiters(settings, shared_hits))
    tickets = WsTickets(deps.ticket_key, settings.ws_ticket_ttl_s)
    hub = LiveHub(broker)
    presence = HostPresence(bus, refresh_s=settings.host_presence_refresh_s)
    scheduled = ScheduledSpaces(bus)
    plays = Plays(bus)
    views = SpaceViews(bus, scheduled, speaking_timeout_s=settings.speaking_timeout_s)
    live = LiveChannels(
        hub=hub,
        bus=bus,
        views=views,
        presence=presence,
        tickets=tickets,
        authenticator=authenticator,
        settings=ChannelSettings(
            send_queue=settings.ws_send_queue, send_timeout_s=settings.ws_send_timeout_s
        ),
        allow_anonymous=settings.ws_allow_anonymous,
    )
    suspended.on_suspension(live.close_sockets_of)

    async def connect() -> None:
        await broker.start()  # connects, and starts the suspension subscribers
        await broker.connection.flush()  # they are live before the list is asked for
        watcher.start()
        await shared_hits.open(broker.connection)

    async def disconnect() -> None:
        await watcher.stop()
        await plays.close()
        await presence.close()
        await hub.close()
        await _stop(broker)

    app = Litestar(
        route_handlers=ROUTE_HANDLERS,
        dependencies={
            **REQUEST_DEPENDENCIES,
            "bus": provide(bus),
            "cookie": provide(TokenCookie(secure=settings.cookie_secure)),
            "tickets": provide(tickets),
            "settings": provide(settings),
            "views": provide(views),
            "scheduled": provide(scheduled),
            "live": provide(live),
            "audio_objects": provide(AudioObjects(broker, recording.RECORDINGS_BUCKET)),
            "plays": provide(plays),
            "clip_audio": provide(AudioObjects(broker, clipping.BUCKET)),
            "readiness": provide(Readiness(broker, suspended)),
        },
        state=State(gatekeeper.state()),
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[trace_requests],
        before_send=[echo_request_id],
        on_startup=[render_openapi_document, connect],
        on_shutdown=[disconnect],
        openapi_config=openapi_config(),
        request_class=GatewayRequest,  # JSON bodies: invalid UTF-8 and deep nesting are 400s
        # Bodies as the document says: `0` is not a boolean, nor "5" an integer (Litestar
        # validates models with strict=False unless told).
        plugins=[PydanticPlugin(validate_strict=True)],
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,  # structlog, configured by the entry point
        debug=False,
    )
    return Gateway(
        app=app, broker=broker, suspended=suspended, hub=hub, presence=presence, live=live
    )


def _limiters(settings: GatewaySettings, shared: SharedHits) -> dict[str, RateLimiter]:
    window_s = settings.rate_limit_window_s
    return {
        "register": SharedWindowLimiter("register", settings.register_rate_limit, window_s, shared),
        "login": SharedWindowLimiter("login", settings.login_rate_limit, window_s, shared),
    }


async def _stop(broker: NatsBroker) -> None:
    """Stop the subscribers and drain the connection, unless NATS is already gone."""
    try:
        if broker.connection.is_closed:
            return
        await broker.stop()
    except Exception as error:  # shutting down anyway: say so, and let the rest stop
        log.warning("gateway.broker_stop_failed", error=repr(error))
