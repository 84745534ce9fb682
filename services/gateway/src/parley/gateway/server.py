"""How uvicorn serves the gateway: one place, used by the entry point and the tests alike."""

from __future__ import annotations

import uvicorn
from litestar import Litestar

from parley.gateway.settings import GatewaySettings


def server_config(settings: GatewaySettings, app: Litestar) -> uvicorn.Config:
    """How uvicorn serves the gateway (HTTP and the live channels' WebSockets)."""
    return uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=False,  # the gateway logs each request itself, with its request id
        log_config=None,
        lifespan="on",
        ws_max_size=settings.ws_max_message_bytes,
        ws_ping_interval=settings.ws_ping_interval_s,
        ws_ping_timeout=settings.ws_ping_timeout_s,
        ws_per_message_deflate=settings.ws_per_message_deflate,
    )
