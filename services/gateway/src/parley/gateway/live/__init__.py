"""Live channels: WebSocket relays of room's live messages, fanned out per gateway process."""

from litestar.types import ControllerRouterHandler

from parley.gateway.live.routes import LiveController, TicketsController

ROUTE_HANDLERS: list[ControllerRouterHandler] = [LiveController, TicketsController]
