"""Room's settings on top of the chassis ones (all ``PARLEY_*`` environment variables)."""

from __future__ import annotations

from pydantic import Field

from parley.chassis.settings import ServiceSettings
from parley.room.handlers.dependencies import DEFAULT_HOST_GRACE_S


class RoomSettings(ServiceSettings):
    service_name: str = "room"
    public_url: str | None = Field(
        default=None,
        description="Where clients reach Parley; share links are <public_url>/spaces/<id> "
        "(PARLEY_PUBLIC_URL; default: the local gateway, http://127.0.0.1:<PARLEY_HTTP_PORT>)",
    )
    http_port: int = Field(
        default=8080, description="The gateway's port (`parley up` tells every service)"
    )
    host_grace_s: float = Field(
        default=DEFAULT_HOST_GRACE_S,
        gt=0,
        description="How long a Space waits for its disconnected host before it ends "
        "(PARLEY_HOST_GRACE_S)",
    )
    timer_poll_s: float = Field(
        default=0.5, gt=0, description="How often due host-grace timers are looked for"
    )
    live_max_age_s: float = Field(
        default=60.0,
        gt=0,
        description="Events older than this are not announced live (catch-up after downtime)",
    )

    def resolved_public_url(self) -> str:
        return self.public_url or f"http://127.0.0.1:{self.http_port}"
