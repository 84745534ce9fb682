"""Room's settings on top of the chassis ones, from the environment.

Most are ``PARLEY_<FIELD>``; the tuning of discovery, reactions, listener counts and
notifications keeps its ``PARLEY_ROOM_<FIELD>`` names (``PARLEY_ROOM_REACTION_BURST``, ...).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from parley.chassis.settings import ServiceSettings

DEFAULT_HOST_GRACE_S = 600.0


def _room(name: str) -> str:
    return f"PARLEY_ROOM_{name.upper()}"


class RoomSettings(ServiceSettings):
    # populate_by_name: in code (tests, an embedding program) fields go by their own names.
    model_config = SettingsConfigDict(populate_by_name=True)

    service_name: str = "room"
    public_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PARLEY_PUBLIC_URL", "PARLEY_ROOM_PUBLIC_URL"),
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
    live_max_age_s: float = Field(
        default=60.0,
        gt=0,
        description="Events older than this are not announced live (catch-up after downtime)",
    )

    # -- PARLEY_ROOM_*: reactions, listener counts, discovery, notifications -----------------

    reaction_rate_per_s: float = Field(
        default=5.0,
        gt=0,
        validation_alias=_room("reaction_rate_per_s"),
        description="Reactions a user may send per second, sustained",
    )
    reaction_burst: int = Field(
        default=10,
        ge=1,
        validation_alias=_room("reaction_burst"),
        description="Reactions a user may send at once",
    )
    reaction_window_ms: int = Field(
        default=250,
        ge=10,
        validation_alias=_room("reaction_window_ms"),
        description="One aggregated `reactions` message per Space per window",
    )
    reaction_presence_cache_s: float = Field(
        default=1.0,
        ge=0,
        validation_alias=_room("reaction_presence_cache_s"),
        description="How long a user found present in a live Space may react without another "
        "database check",
    )
    listener_count_interval_s: float = Field(
        default=1.0,
        gt=0,
        validation_alias=_room("listener_count_interval_s"),
        description="At most one `listeners.count` and one `audience.changed` per Space per "
        "interval",
    )
    trending_window_s: int = Field(
        default=300,
        ge=10,
        validation_alias=_room("trending_window_s"),
        description="Growth is measured over this many seconds",
    )
    trending_growth_weight: float = Field(
        default=2.0,
        ge=0,
        validation_alias=_room("trending_growth_weight"),
        description="score = listeners + weight x max(0, growth)",
    )
    notification_live_max_age_s: float = Field(
        default=120.0,
        validation_alias=_room("notification_live_max_age_s"),
        description="Notifications from older events (catch-up, rebuild) go to the inbox only, "
        "not live",
    )

    def resolved_public_url(self) -> str:
        return self.public_url or f"http://127.0.0.1:{self.http_port}"
