"""Composition root: one Litestar app from settings and infrastructure."""

from __future__ import annotations

from litestar import Litestar

from parley.chassis.bus import BusClient
from parley.gateway import accounts, live, media, notifications, spaces, web
from parley.gateway.auth import Authenticator, TokenCookie
from parley.gateway.bootstrap import GatewayDeps
from parley.gateway.components import Components, attach
from parley.gateway.dependencies import DEPENDENCIES
from parley.gateway.health import HealthController
from parley.gateway.identity_client import IdentityClient
from parley.gateway.live.channels import LiveChannels
from parley.gateway.live.hub import LiveHub
from parley.gateway.live.presence import HostPresence
from parley.gateway.live.space_channel import ChannelSettings
from parley.gateway.media_client import MediaClient
from parley.gateway.openapi import openapi_config, openapi_document, render_openapi_document
from parley.gateway.problems import EXCEPTION_HANDLERS
from parley.gateway.rate_limits import SlidingWindowLimiter
from parley.gateway.request_ids import echo_request_id
from parley.gateway.room_client import RoomClient
from parley.gateway.settings import GatewaySettings
from parley.gateway.suspensions import SuspendedUsers, SuspensionWatcher
from parley.gateway.telemetry import trace_requests
from parley.gateway.ws_tickets import WsTickets


def create_app(settings: GatewaySettings, deps: GatewayDeps) -> Litestar:
    components = _build_components(settings, deps)
    app = Litestar(
        route_handlers=[
            HealthController,
            openapi_document,
            *accounts.CONTROLLERS,
            *spaces.CONTROLLERS,
            *media.CONTROLLERS,
            *notifications.CONTROLLERS,
            *live.ROUTE_HANDLERS,
            *web.ROUTE_HANDLERS,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[trace_requests],
        before_send=[echo_request_id],
        on_startup=[render_openapi_document, components.suspension_watcher.start],
        on_shutdown=[
            components.suspension_watcher.stop,
            components.presence.close,
            components.hub.close,
        ],
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,  # structlog, configured by the entry point
        debug=False,
    )
    attach(app, components)
    return app


def _build_components(settings: GatewaySettings, deps: GatewayDeps) -> Components:
    bus = BusClient(deps.nc, timeout=settings.bus_timeout_s)
    identity, room = IdentityClient(bus), RoomClient(bus)
    media = MediaClient(
        bus,
        BusClient(deps.nc, timeout=settings.media_timeout_s),
        speaking_timeout_s=settings.speaking_timeout_s,
    )
    suspended = SuspendedUsers(clock=deps.clock)
    authenticator = Authenticator(deps.verifier, suspended)
    window_s = settings.rate_limit_window_s
    tickets = WsTickets(deps.ticket_key, settings.ws_ticket_ttl_s)
    hub = LiveHub(deps.nc)
    presence = HostPresence(room, refresh_s=settings.host_presence_refresh_s)
    return Components(
        settings=settings,
        nc=deps.nc,
        identity=identity,
        room=room,
        media=media,
        authenticator=authenticator,
        suspended=suspended,
        suspension_watcher=SuspensionWatcher(
            deps.nc,
            identity,
            suspended,
            refresh_s=settings.suspension_refresh_s,
            retry_s=settings.suspension_retry_s,
        ),
        limiters={
            "register": SlidingWindowLimiter(
                settings.register_rate_limit, window_s, clock=deps.clock
            ),
            "login": SlidingWindowLimiter(settings.login_rate_limit, window_s, clock=deps.clock),
        },
        cookie=TokenCookie(secure=settings.cookie_secure),
        tickets=tickets,
        hub=hub,
        presence=presence,
        live=LiveChannels(
            hub=hub,
            room=room,
            media=media,
            presence=presence,
            tickets=tickets,
            authenticator=authenticator,
            settings=ChannelSettings(
                send_queue=settings.ws_send_queue, send_timeout_s=settings.ws_send_timeout_s
            ),
            allow_anonymous=settings.ws_allow_anonymous,
        ),
    )
