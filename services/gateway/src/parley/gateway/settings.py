"""Gateway settings: the shared service settings plus HTTP, limits and cookie options.

Every field reads ``PARLEY_<FIELD>`` from the environment (e.g. ``PARLEY_HTTP_PORT``).
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from parley.chassis.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    service_name: str = "gateway"

    http_host: str = Field(default="127.0.0.1", description="Interface uvicorn binds")
    http_port: int = Field(default=8080, description="Port uvicorn binds")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-For is trusted for the client IP (uvicorn)",
    )
    max_body_bytes: int = Field(
        default=64 * 1024, ge=1, description="Largest request body accepted; larger is a 413"
    )
    bus_timeout_s: float = Field(
        default=5.0, gt=0, description="How long to wait for a service to answer a request"
    )
    media_timeout_s: float = Field(
        default=15.0, gt=0, description="How long to wait for a WebRTC answer from the relay"
    )
    speaking_timeout_s: float = Field(
        default=0.25,
        gt=0,
        description="getSpace waits this long for who is speaking, else shows nobody",
    )

    register_rate_limit: int = Field(
        default=10, description="Registrations per client IP per window (0 disables)"
    )
    login_rate_limit: int = Field(
        default=20, description="Login attempts per client IP per window (0 disables)"
    )
    rate_limit_window_s: float = Field(default=60.0, gt=0)
    rate_limit_bucket: str = Field(
        default="rate_limits",
        pattern=r"^[A-Za-z0-9_-]+$",
        description="NATS KV bucket holding the hits the limits count: the same for every "
        "gateway of a deployment (they share the budget), another for another deployment on "
        "the same NATS",
    )

    cookie_secure: bool = Field(
        default=False, description="Mark the token cookie Secure (set it when served over HTTPS)"
    )

    suspension_refresh_s: float = Field(
        default=60.0,
        ge=0,
        description="Re-read the suspended accounts this often, to heal events missed while "
        "disconnected from NATS (0: only at start)",
    )
    suspension_retry_s: float = Field(
        default=1.0,
        gt=0,
        description="First delay between attempts while identity does not answer (doubles up "
        "to 10 times this)",
    )

    ws_ticket_secret: SecretStr | None = Field(
        default=None,
        description="Signs WebSocket tickets; the same on every gateway of a deployment. Unset: "
        "derived from the token public key file (fine while that file stays private)",
    )
    ws_ticket_ttl_s: float = Field(default=30.0, gt=0, description="How long a ticket is valid")
    ws_allow_anonymous: bool = Field(
        default=True, description="Let signed-out viewers watch a Space's live channel"
    )
    ws_send_queue: int = Field(
        default=256,
        ge=8,
        description="Messages waiting for one slow socket; beyond it the droppable ones go, then "
        "the socket is closed with 1013",
    )
    ws_send_timeout_s: float = Field(
        default=10.0, gt=0, description="A socket that takes longer to accept one message is closed"
    )
    ws_ping_interval_s: float = Field(
        default=20.0, gt=0, description="Protocol pings to every live socket (finds dead peers)"
    )
    ws_ping_timeout_s: float = Field(default=20.0, gt=0, description="No pong by then: closed")
    ws_max_message_bytes: int = Field(
        default=4096, ge=128, description="Largest message a client may send (they only ping)"
    )
    ws_per_message_deflate: bool = Field(
        default=False,
        description="Offer permessage-deflate on live channels. Off: live messages are small, "
        "and each compressed socket keeps its own zlib state (memory and CPU per socket)",
    )
    host_presence_refresh_s: float = Field(
        default=30.0,
        ge=0,
        description="Repeat 'host connected' this often while a host socket is open (heals a "
        "host with sockets on several gateways closing one; 0: never)",
    )
