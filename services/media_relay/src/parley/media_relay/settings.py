"""Media relay settings on top of the chassis ones (``PARLEY_*`` environment variables)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from parley.chassis.settings import ServiceSettings

DEFAULT_WORKER = "w1"


class MediaSettings(ServiceSettings):
    service_name: str = "media_relay"
    media_worker_id: str = Field(
        default=DEFAULT_WORKER,
        description="This relay worker's id (PARLEY_MEDIA_WORKER_ID); unique per process",
    )
    media_capacity: int = Field(
        default=300,
        gt=0,
        description="Listener sessions this worker takes before placement "
        "sends further listeners to other workers (PARLEY_MEDIA_CAPACITY)",
    )
    media_bitrate: int = Field(default=32_000, ge=6_000, le=128_000, description="Opus bit/s")
    heartbeat_s: float = Field(default=1.0, gt=0, description="Worker heartbeat period")

    @field_validator("media_worker_id")
    @classmethod
    def _token(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", value):
            raise ValueError("a worker id is 1-40 letters, digits, '-' or '_'")
        return value

    def resolved_database_url(self) -> str:
        """Each worker keeps its own projection of room's roles (its own SQLite file)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        name = self.service_name
        if self.media_worker_id != DEFAULT_WORKER:
            name = f"{name}-{self.media_worker_id}"
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{name}.db').resolve()}"
