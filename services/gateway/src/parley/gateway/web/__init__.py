"""The web client, served by the gateway next to the API it uses (ADR 14)."""

from parley.gateway.web.routes import ROUTE_HANDLERS

__all__ = ["ROUTE_HANDLERS"]
