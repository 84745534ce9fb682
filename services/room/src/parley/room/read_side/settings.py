"""The read side's settings, ``PARLEY_ROOM_<FIELD>`` in the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReadSideSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PARLEY_ROOM_", extra="ignore", populate_by_name=True
    )

    reaction_rate_per_s: float = Field(
        default=5.0, gt=0, description="Reactions a user may send per second, sustained"
    )
    reaction_burst: int = Field(default=10, ge=1, description="Reactions a user may send at once")
    reaction_window_ms: int = Field(
        default=250, ge=10, description="One aggregated `reactions` message per Space per window"
    )
    reaction_presence_cache_s: float = Field(
        default=1.0,
        ge=0,
        description="How long a user found present in a live Space may react without another "
        "database check",
    )
    listener_count_interval_s: float = Field(
        default=1.0, gt=0, description="At most one `listeners.count` per Space per interval"
    )
    trending_window_s: int = Field(
        default=300, ge=10, description="Growth is measured over this many seconds"
    )
    trending_growth_weight: float = Field(
        default=2.0, ge=0, description="score = listeners + weight x max(0, growth)"
    )
    notification_live_max_age_s: float = Field(
        default=120.0,
        description="Notifications from older events (catch-up, rebuild) go to the inbox only, "
        "not live",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8080",
        validation_alias=AliasChoices("PARLEY_PUBLIC_URL", "PARLEY_ROOM_PUBLIC_URL"),
        description="Base of share links, <public_url>/spaces/<id>: the same setting as the "
        "write side's (PARLEY_PUBLIC_URL), which wins when the service settings carry it",
    )

    def share_url(self, space_id: str) -> str:
        return f"{self.public_url.rstrip('/')}/spaces/{space_id}"
